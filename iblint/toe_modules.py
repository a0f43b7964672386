"""What AWSTOE component documents may hold: the document schema, every documented action
module with its inputs, the loop and condition constructs, and the variable name rules.

Everything here is read from AWS's AWSTOE documentation (the EC2 Image Builder user guide):

- document schema, phases, steps, chaining: https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-use-documents.html
- action modules and their inputs: https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-action-modules.html
- parameters and constants: https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-user-defined-variables.html
- loops: https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-looping-constructs.html
- conditions: https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-conditional-constructs.html,
  https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-comparison-operators.html and
  https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-logical-operators.html

The module list agrees with the AWS CDK's ``ComponentAction`` enum (30 values,
https://github.com/aws/aws-cdk/blob/main/packages/%40aws-cdk/aws-imagebuilder-alpha/lib/component.ts).
Data only: nothing here imports a check or a dialect.
"""

from __future__ import annotations

import re
from typing import NamedTuple

USER_GUIDE = "https://docs.aws.amazon.com/imagebuilder/latest/userguide"
DOCUMENTS_URL = f"{USER_GUIDE}/toe-use-documents.html"
MODULES_URL = f"{USER_GUIDE}/toe-action-modules.html"
VARIABLES_URL = f"{USER_GUIDE}/toe-user-defined-variables.html"
LOOPS_URL = f"{USER_GUIDE}/toe-looping-constructs.html"
CONDITIONS_URL = f"{USER_GUIDE}/toe-conditional-constructs.html"
COMPARISONS_URL = f"{USER_GUIDE}/toe-comparison-operators.html"
LOGICAL_URL = f"{USER_GUIDE}/toe-logical-operators.html"

#: "Schema version of the document, currently 1.0."
SCHEMA_VERSION = "1.0"
#: Image Builder runs ``build`` and ``validate`` in its build stage, ``test`` and
#: ``container-host-test`` in its test stage; a document needs one of the first three.
BUILD_STAGE_PHASES = ("build", "validate")
TEST_STAGE_PHASES = ("test", "container-host-test")
PHASES = (*BUILD_STAGE_PHASES, *TEST_STAGE_PHASES)
REQUIRED_PHASES = ("build", "validate", "test")
ON_FAILURE = ("Abort", "Continue", "Ignore")
#: The most characters an inline document (CreateComponent ``data``) may have
#: (the API's ``InlineComponentData``).
INLINE_DATA_LIMIT = 16_000

#: The keys each level of a document may have.
DOCUMENT_KEYS = ("name", "description", "schemaVersion", "phases", "parameters", "constants")
PHASE_KEYS = ("name", "steps")
STEP_KEYS = ("name", "action", "timeoutSeconds", "onFailure", "maxAttempts", "inputs", "loop", "if")
LOOP_KEYS = ("name", "for", "forEach")
FOR_KEYS = ("start", "end", "updateBy")
FOR_EACH_KEYS = ("list", "delimiter")
PARAMETER_KEYS = ("type", "default", "description")
CONSTANT_KEYS = ("type", "value")
#: "Only one delimiter character is allowed from the given list": ``.,;:\n\t -_``.
DELIMITERS = frozenset(".,;:\n\t -_")
#: Parameter and constant names: 3 to 128 letters, digits, dashes or underscores.
VARIABLE_NAME = re.compile(r"[A-Za-z0-9_-]{3,128}")
VARIABLE_TYPES = ("string",)


class ActionModule(NamedTuple):
    """An action module's inputs as its documentation gives them.

    ``shape``: ``mapping`` (one set of inputs), ``list`` (a list of input sets, each run in
    turn), or ``expression`` (Assert: a comparison or logical operator). ``inputs_required``:
    the step must have ``inputs``. ``one_of``: inputs of which exactly one must be given.
    """

    shape: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    inputs_required: bool = True
    one_of: tuple[str, ...] = ()
    #: The module's section of the action modules page.
    anchor: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.required, *self.one_of, *self.optional)

    @property
    def url(self) -> str:
        return f"{MODULES_URL}#{self.anchor}" if self.anchor else MODULES_URL


_FILE_MODES = ("owner", "group", "permissions")
_ENCODING = ("encoding",)
_MSI = (
    "reboot",
    "logOptions",
    "logFile",
    "properties",
    "ignoreAuthenticodeSignatureErrors",
    "allowUnsignedInstaller",
)

#: Every documented action module, by the name a step's ``action`` gives.
ACTION_MODULES: dict[str, ActionModule] = {
    # General execution
    "Assert": ActionModule("expression", anchor="action-modules-assertion"),
    "ExecuteBash": ActionModule("mapping", ("commands",), anchor="action-modules-executebash"),
    "ExecuteBinary": ActionModule(
        "mapping", ("path",), ("arguments",), anchor="action-modules-executebinary"
    ),
    "ExecuteDocument": ActionModule(
        "mapping",
        ("document",),
        ("document-s3-bucket-owner", "phases", "parameters"),
        anchor="action-modules-executedocument",
    ),
    "ExecutePowerShell": ActionModule(
        "mapping", one_of=("commands", "file"), anchor="action-modules-executepowershell"
    ),
    # File download and upload
    "S3Download": ActionModule(
        "list",
        ("source", "destination"),
        ("expectedBucketOwner", "overwrite"),
        anchor="action-modules-s3download",
    ),
    "S3Upload": ActionModule(
        "list",
        ("source", "destination"),
        ("recurse", "expectedBucketOwner"),
        anchor="action-modules-s3upload",
    ),
    "WebDownload": ActionModule(
        "list",
        ("source", "destination"),
        ("overwrite", "checksum", "algorithm", "ignoreCertificateErrors"),
        anchor="action-modules-webdownload",
    ),
    # File system operations
    "AppendFile": ActionModule(
        "list", ("path",), ("content", *_ENCODING), anchor="action-modules-appendfile"
    ),
    "CopyFile": ActionModule(
        "list", ("source", "destination"), ("overwrite",), anchor="action-modules-copyfile"
    ),
    "CopyFolder": ActionModule(
        "list", ("source", "destination"), ("overwrite",), anchor="action-modules-copyfolder"
    ),
    "CreateFile": ActionModule(
        "list",
        ("path",),
        ("content", *_ENCODING, *_FILE_MODES, "overwrite"),
        anchor="action-modules-createfile",
    ),
    "CreateFolder": ActionModule(
        "list", ("path",), (*_FILE_MODES, "overwrite"), anchor="action-modules-createfolder"
    ),
    "CreateSymlink": ActionModule(
        "list", ("path", "target"), ("force",), anchor="action-modules-createsymlink"
    ),
    "DeleteFile": ActionModule("list", ("path",), anchor="action-modules-deletefile"),
    "DeleteFolder": ActionModule(
        "list", ("path",), ("force",), anchor="action-modules-deletefolder"
    ),
    "ListFiles": ActionModule(
        "list", ("path",), ("fileNamePattern", "recursive"), anchor="action-modules-listfiles"
    ),
    "MoveFile": ActionModule(
        "list", ("source", "destination"), ("overwrite",), anchor="action-modules-movefile"
    ),
    "MoveFolder": ActionModule(
        "list", ("source", "destination"), ("overwrite",), anchor="action-modules-movefolder"
    ),
    "ReadFile": ActionModule(
        "list", ("path",), (*_ENCODING, "printFileContent"), anchor="action-modules-readfile"
    ),
    "SetFileEncoding": ActionModule(
        "list", ("path",), _ENCODING, anchor="action-modules-setfileencoding"
    ),
    "SetFileOwner": ActionModule(
        "list", ("path", "owner"), ("group",), anchor="action-modules-setfileowner"
    ),
    "SetFolderOwner": ActionModule(
        "list", ("path", "owner"), ("group", "recursive"), anchor="action-modules-setfolderowner"
    ),
    "SetFilePermissions": ActionModule(
        "list", ("path", "permissions"), anchor="action-modules-setfilepermissions"
    ),
    "SetFolderPermissions": ActionModule(
        "list",
        ("path", "permissions"),
        ("recursive",),
        anchor="action-modules-setfolderpermissions",
    ),
    # Software installation
    "InstallMSI": ActionModule("mapping", ("path",), _MSI, anchor="action-modules-install-msi"),
    "UninstallMSI": ActionModule("mapping", ("path",), _MSI, anchor="action-modules-uninstall-msi"),
    # System actions
    "Reboot": ActionModule(
        "mapping", (), ("delaySeconds",), inputs_required=False, anchor="action-modules-reboot"
    ),
    "SetRegistry": ActionModule(
        "list", ("path", "name", "value", "type"), anchor="action-modules-setregistry"
    ),
    "UpdateOS": ActionModule(
        "mapping",
        (),
        ("include", "exclude"),
        inputs_required=False,
        anchor="action-modules-updateos",
    ),
}

#: ExecuteDocument "sets the following default values, and returns an error if you try to
#: change them": the step settings it fixes, and their only value.
EXECUTE_DOCUMENT_FIXED = {"timeoutSeconds": -1, "maxAttempts": 1}

#: Comparison operators, and the member that gives the second value (``None``: the operator
#: takes one value).
COMPARISON_OPERATORS: dict[str, str | None] = {
    "stringIsEmpty": None,
    "stringIsWhitespace": None,
    "stringEquals": "value",
    "stringLessThan": "value",
    "stringLessThanEquals": "value",
    "stringGreaterThan": "value",
    "stringGreaterThanEquals": "value",
    "patternMatches": "value",
    "numberEquals": "value",
    "numberLessThan": "value",
    "numberLessThanEquals": "value",
    "numberGreaterThan": "value",
    "numberGreaterThanEquals": "value",
    "binaryExists": None,
    "fileExists": None,
    "folderExists": None,
    "fileMD5Equals": "path",
    "fileSHA1Equals": "path",
    "fileSHA256Equals": "path",
    "fileSHA512Equals": "path",
}
#: ``and`` and ``or`` take a list of expressions, ``not`` one expression.
LOGICAL_OPERATORS = ("and", "or", "not")
#: "Conditional expressions support a maximum nesting depth of 4 levels" of logical operators.
MAX_CONDITION_DEPTH = 4
#: What ``then`` and ``else`` of an ``if`` may say.
STEP_ACTIONS = ("Abort", "Execute", "Skip")
#: The members an ``if`` may have besides its expression.
IF_BRANCHES = ("then", "else")
