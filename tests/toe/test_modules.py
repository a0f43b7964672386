"""Every documented AWSTOE action module, with inputs as its section of the action modules page
shows them (https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-action-modules.html):
a step with them is clean, a step without a required input is IB607, an input the module does
not have is IB608."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from iblint import toe_modules
from tests.toe.helpers import findings

#: For each module, inputs taken from its documented examples.
SAMPLES: dict[str, Any] = {
    "Assert": {"stringEquals": "2.1.1", "value": "2.1.1"},
    "ExecuteBash": {"commands": ["uname -r"]},
    "ExecuteBinary": {"path": "C:\\PathTo\\dotnet_installer.exe", "arguments": ["/qb"]},
    "ExecuteDocument": {
        "document": "arn:aws:imagebuilder:us-west-2:aws:component/sample-test/1.0.0",
        "document-s3-bucket-owner": "123456789012",
        "phases": "build,validate",
        "parameters": [{"name": "parameter-1", "value": "value-1"}],
    },
    "ExecutePowerShell": {"commands": ["Write-Host 'Hello'"]},
    "S3Download": [
        {
            "source": "s3://amzn-s3-demo-bucket/path/to/package.zip",
            "destination": "/tmp/package.zip",
            "expectedBucketOwner": "123456789022",
            "overwrite": False,
        }
    ],
    "S3Upload": [
        {
            "source": "/tmp/report/*",
            "destination": "s3://amzn-s3-demo-bucket/path/to/",
            "recurse": True,
            "expectedBucketOwner": "123456789022",
        }
    ],
    "WebDownload": [
        {
            "source": "https://example.com/java14.zip",
            "destination": "/tmp/java14.zip",
            "overwrite": True,
            "checksum": "ac68bbf921d953d1cfab916cb6120864",
            "algorithm": "MD5",
            "ignoreCertificateErrors": False,
        }
    ],
    "AppendFile": [{"path": "/tmp/sample.txt", "content": "more", "encoding": "utf-8"}],
    "CopyFile": [{"source": "/tmp/a.txt", "destination": "/opt/a.txt", "overwrite": False}],
    "CopyFolder": [{"source": "/tmp/a", "destination": "/opt/a", "overwrite": False}],
    "CreateFile": [
        {
            "path": "/opt/sample.txt",
            "content": "text",
            "encoding": "utf-8",
            "owner": "root",
            "group": "root",
            "permissions": "0644",
            "overwrite": True,
        }
    ],
    "CreateFolder": [
        {
            "path": "/opt/sample/",
            "owner": "root",
            "group": "root",
            "permissions": "0755",
            "overwrite": True,
        }
    ],
    "CreateSymlink": [{"path": "/opt/link.txt", "target": "/opt/sample.txt", "force": True}],
    "DeleteFile": [{"path": "/tmp/*log"}],
    "DeleteFolder": [{"path": "/tmp/sample/", "force": True}],
    "ListFiles": [{"path": "/var/log/", "fileNamePattern": "*log", "recursive": True}],
    "MoveFile": [{"source": "/tmp/a.txt", "destination": "/opt/", "overwrite": False}],
    "MoveFolder": [{"source": "/tmp/a", "destination": "/opt/a", "overwrite": False}],
    "ReadFile": [{"path": "/etc/os-release", "encoding": "utf-8", "printFileContent": True}],
    "SetFileEncoding": [{"path": "/opt/sample.txt", "encoding": "utf-16"}],
    "SetFileOwner": [{"path": "/opt/sample.txt", "owner": "ec2-user", "group": "ec2-user"}],
    "SetFolderOwner": [
        {"path": "/opt/sample/", "owner": "ec2-user", "group": "ec2-user", "recursive": False}
    ],
    "SetFilePermissions": [{"path": "/opt/sample.txt", "permissions": "0640"}],
    "SetFolderPermissions": [{"path": "/opt/sample/", "permissions": "0750", "recursive": False}],
    "InstallMSI": {
        "path": "C:\\sample.msi",
        "reboot": "Allow",
        "logOptions": "*VX",
        "logFile": "C:\\msilogs\\install.log",
        "properties": {"COMPANYNAME": '"Example"'},
        "ignoreAuthenticodeSignatureErrors": True,
        "allowUnsignedInstaller": True,
    },
    "UninstallMSI": {
        "path": "C:\\sample.msi",
        "reboot": "Skip",
        "logOptions": "*VX",
        "logFile": "C:\\msilogs\\uninstall.log",
        "properties": {"COMPANYNAME": '"Example"'},
        "ignoreAuthenticodeSignatureErrors": False,
        "allowUnsignedInstaller": False,
    },
    "Reboot": {"delaySeconds": 60},
    "SetRegistry": [
        {"path": "HKLM:\\SOFTWARE\\Example", "name": "Version", "value": "1.1", "type": "SZ"}
    ],
    "UpdateOS": {"include": ["KB1234567"], "exclude": ["ec2-hibinit-agent"]},
}

#: The AWS CDK's ComponentAction enum: the same 30 modules.
CDK_ACTIONS = {
    "AppendFile", "Assert", "CopyFile", "CopyFolder", "CreateFile", "CreateFolder",
    "CreateSymlink", "DeleteFile", "DeleteFolder", "ExecuteBash", "ExecuteBinary",
    "ExecuteDocument", "ExecutePowerShell", "InstallMSI", "ListFiles", "MoveFile", "MoveFolder",
    "ReadFile", "Reboot", "SetFileEncoding", "SetFileOwner", "SetFolderOwner",
    "SetFilePermissions", "SetFolderPermissions", "SetRegistry", "S3Download", "S3Upload",
    "UninstallMSI", "UpdateOS", "WebDownload",
}  # fmt: skip


def document(action: str, inputs: Any) -> str:
    step: dict[str, Any] = {"name": "Probe", "action": action}
    if inputs is not None:
        step["inputs"] = inputs
    body = {"schemaVersion": "1.0", "phases": [{"name": "build", "steps": [step]}]}
    return yaml.safe_dump(body, sort_keys=False)


def rules(directory: Path, action: str, inputs: Any) -> list[str]:
    return [f.rule_id for f in findings(directory, "component.yaml", document(action, inputs))]


def test_every_documented_module_is_known_and_sampled() -> None:
    assert set(toe_modules.ACTION_MODULES) == CDK_ACTIONS
    assert set(SAMPLES) == CDK_ACTIONS
    for name, module in toe_modules.ACTION_MODULES.items():
        sample = SAMPLES[name]
        keys = set(sample if isinstance(sample, dict) else sample[0])
        if module.shape != "expression":
            # Every documented input is exercised (of ExecutePowerShell's commands and file,
            # which exclude each other, the sample gives commands).
            assert keys == set(module.keys) - {"file"}, name


@pytest.mark.parametrize("action", sorted(SAMPLES))
def test_the_documented_inputs_are_clean(tmp_path: Path, action: str) -> None:
    assert rules(tmp_path, action, SAMPLES[action]) == []


def _without(inputs: Any, key: str) -> Any:
    changed = copy.deepcopy(inputs)
    for input_set in changed if isinstance(changed, list) else [changed]:
        input_set.pop(key, None)
    return changed


@pytest.mark.parametrize(
    ("action", "required"),
    [
        (name, key)
        for name, module in sorted(toe_modules.ACTION_MODULES.items())
        for key in module.required
    ],
)
def test_a_missing_required_input_is_reported(tmp_path: Path, action: str, required: str) -> None:
    assert "IB607" in rules(tmp_path, action, _without(SAMPLES[action], required))


@pytest.mark.parametrize("action", sorted(SAMPLES))
def test_an_undocumented_input_is_reported(tmp_path: Path, action: str) -> None:
    inputs = copy.deepcopy(SAMPLES[action])
    first = inputs[0] if isinstance(inputs, list) else inputs
    first["bogusSetting"] = "x"
    found = rules(tmp_path, action, inputs)
    expected = "IB614" if action == "Assert" else "IB608"  # Assert's inputs are a condition
    assert found == [expected]


@pytest.mark.parametrize(
    "action", sorted(name for name, m in toe_modules.ACTION_MODULES.items() if m.inputs_required)
)
def test_a_module_that_needs_inputs_without_them(tmp_path: Path, action: str) -> None:
    assert rules(tmp_path, action, None) == ["IB607"]


@pytest.mark.parametrize("action", ["Reboot", "UpdateOS"])
def test_modules_whose_inputs_are_optional(tmp_path: Path, action: str) -> None:
    assert rules(tmp_path, action, None) == []


def test_a_list_module_checks_every_input_set(tmp_path: Path) -> None:
    inputs = [{"source": "s3://b/a", "destination": "/tmp/a"}, {"source": "s3://b/c"}]
    assert rules(tmp_path, "S3Download", inputs) == ["IB607"]


def test_powershell_takes_commands_or_file_not_both(tmp_path: Path) -> None:
    assert rules(tmp_path, "ExecutePowerShell", {"file": "C:\\x.ps1"}) == []
    assert sorted(rules(tmp_path, "ExecutePowerShell", {"executionPolicy": "Bypass"})) == [
        "IB607",
        "IB608",
    ]
    both = {"file": "C:\\x.ps1", "commands": ["Write-Host 1"]}
    assert rules(tmp_path, "ExecutePowerShell", both) == ["IB607"]
