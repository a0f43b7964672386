"""A Terraform plan (``terraform show -json``) with Image Builder resources in the root module
and in a child module, shaped as Terraform 1.x prints it (pretty-printed for readability); and
how the command checks a plan given on standard input (:func:`check_on_stdin`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PLAN = """\
{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "planned_values": {
    "root_module": {
      "resources": [
        {
          "address": "aws_imagebuilder_infrastructure_configuration.build",
          "mode": "managed",
          "type": "aws_imagebuilder_infrastructure_configuration",
          "name": "build",
          "values": {
            "name": "build",
            "instance_profile_name": "builder",
            "instance_metadata_options": [
              {"http_put_response_hop_limit": 2, "http_tokens": "optional"}
            ]
          }
        }
      ],
      "child_modules": [
        {
          "address": "module.images",
          "resources": [
            {
              "address": "module.images.aws_imagebuilder_image_recipe.app",
              "mode": "managed",
              "type": "aws_imagebuilder_image_recipe",
              "name": "app",
              "values": {
                "name": "app",
                "version": "1.0.0",
                "parent_image": "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.2.x",
                "block_device_mapping": [
                  {
                    "device_name": "/dev/xvda",
                    "no_device": null,
                    "ebs": [{"volume_type": "gp2", "throughput": 300, "iops": null}]
                  }
                ],
                "component": [
                  {"component_arn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x", "parameter": []}
                ]
              }
            }
          ]
        }
      ]
    }
  },
  "resource_changes": [
    {
      "address": "aws_imagebuilder_infrastructure_configuration.build",
      "mode": "managed",
      "type": "aws_imagebuilder_infrastructure_configuration",
      "name": "build",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": {
          "name": "build",
          "instance_profile_name": "builder",
          "instance_metadata_options": [
            {"http_put_response_hop_limit": 2, "http_tokens": "optional"}
          ]
        },
        "after_unknown": {"arn": true, "instance_metadata_options": [{}]}
      }
    },
    {
      "address": "module.images.aws_imagebuilder_image_recipe.app",
      "module_address": "module.images",
      "mode": "managed",
      "type": "aws_imagebuilder_image_recipe",
      "name": "app",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": {
          "name": "app",
          "version": "1.0.0",
          "parent_image": "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.2.x",
          "block_device_mapping": [
            {
              "device_name": "/dev/xvda",
              "no_device": null,
              "ebs": [{"volume_type": "gp2", "throughput": 300, "iops": null}]
            }
          ],
          "component": [
            {"component_arn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x", "parameter": []}
          ]
        },
        "after_unknown": {"arn": true, "block_device_mapping": [{"ebs": [{}]}], "component": [{"parameter": []}]}
      }
    },
    {
      "address": "aws_imagebuilder_infrastructure_configuration.pending",
      "mode": "managed",
      "type": "aws_imagebuilder_infrastructure_configuration",
      "name": "pending",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": {"name": "pending", "instance_profile_name": "builder"},
        "after_unknown": {"instance_metadata_options": true}
      }
    },
    {
      "address": "aws_imagebuilder_infrastructure_configuration.gone",
      "mode": "managed",
      "type": "aws_imagebuilder_infrastructure_configuration",
      "name": "gone",
      "change": {"actions": ["delete"], "before": {"name": "gone"}, "after": null, "after_unknown": {}}
    }
  ]
}
"""

#: ``terraform show -json`` of a no-op plan for an unchanged recipe and infrastructure
#: configuration, as the AWS provider's SDKv2 resources store them: nested settings nobody made
#: are zero values ("" and 0), and the nullable booleans are the strings "true", "false" or "".
NOOP_PLAN = """\
{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "resource_changes": [
    {
      "address": "aws_imagebuilder_image_recipe.app",
      "mode": "managed",
      "type": "aws_imagebuilder_image_recipe",
      "name": "app",
      "change": {
        "actions": ["no-op"],
        "after": {
          "name": "app",
          "version": "1.0.0",
          "parent_image": "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x",
          "description": "",
          "working_directory": "",
          "block_device_mapping": [
            {
              "device_name": "/dev/xvda",
              "no_device": false,
              "virtual_name": "",
              "ebs": [
                {
                  "delete_on_termination": "true",
                  "encrypted": "",
                  "iops": 0,
                  "kms_key_id": "",
                  "snapshot_id": "",
                  "throughput": 0,
                  "volume_size": 100,
                  "volume_type": ""
                }
              ]
            },
            {
              "device_name": "/dev/xvdb",
              "no_device": false,
              "virtual_name": "",
              "ebs": [
                {
                  "delete_on_termination": "",
                  "encrypted": "false",
                  "iops": 0,
                  "kms_key_id": "",
                  "snapshot_id": "",
                  "throughput": 0,
                  "volume_size": 0,
                  "volume_type": "gp2"
                }
              ]
            }
          ],
          "component": [
            {
              "component_arn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x",
              "parameter": []
            }
          ]
        },
        "after_unknown": {}
      }
    },
    {
      "address": "aws_imagebuilder_infrastructure_configuration.build",
      "mode": "managed",
      "type": "aws_imagebuilder_infrastructure_configuration",
      "name": "build",
      "change": {
        "actions": ["no-op"],
        "after": {
          "name": "build",
          "instance_profile_name": "builder",
          "instance_metadata_options": [
            {"http_put_response_hop_limit": 0, "http_tokens": ""}
          ],
          "terminate_instance_on_failure": false
        },
        "after_unknown": {}
      }
    }
  ]
}
"""


def check_on_stdin(
    text: str, *options: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``iblint check --no-config --format json`` with ``options`` on ``text`` given on
    standard input as ``plan.json``, in a fresh interpreter."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "iblint",
            "check",
            "--no-config",
            "--format",
            "json",
            *options,
            "--stdin-filename",
            "plan.json",
            "-",
        ],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )
