# Amazon Linux 2023 golden image, as iblint wants it. References (aws_iam_instance_profile…,
# data sources, locals) are not guessed at; literals and var.NAME with a literal default in
# this module are checked.

variable "recipe_version" {
  type    = string
  default = "2.1.0"
}

data "aws_partition" "current" {}
data "aws_region" "current" {}

resource "aws_imagebuilder_infrastructure_configuration" "build" {
  name                          = "al2023-golden-build"
  instance_profile_name         = "EC2InstanceProfileForImageBuilder"
  instance_types                = ["m6i.large", "m5.large"]
  terminate_instance_on_failure = true

  instance_metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_imagebuilder_image_recipe" "golden" {
  name         = "al2023-golden"
  version      = var.recipe_version
  parent_image = "arn:${data.aws_partition.current.partition}:imagebuilder:${data.aws_region.current.name}:aws:image/amazon-linux-2023-x86/x.x.x"

  component {
    component_arn = "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"
  }

  block_device_mapping {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = 30
      volume_type           = "gp3"
      iops                  = 3000
      throughput            = 125
      delete_on_termination = true
      encrypted             = true
    }
  }
}
