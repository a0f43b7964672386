# Ubuntu 22.04 golden image. iblint reports IMDSv1 left open (through var.http_tokens, whose
# default is 'optional') and a parent image version wildcard Image Builder rejects (1.x.3).

resource "aws_iam_role" "build" {
  name = "ubuntu-golden-build"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "image_builder" {
  role       = aws_iam_role.build.name
  policy_arn = "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder"
}

resource "aws_iam_instance_profile" "build" {
  name = "ubuntu-golden-build"
  role = aws_iam_role.build.name
}

resource "aws_imagebuilder_infrastructure_configuration" "build" {
  name                          = "ubuntu-golden-build"
  instance_profile_name         = aws_iam_instance_profile.build.name
  instance_types                = ["m6i.large"]
  terminate_instance_on_failure = true

  instance_metadata_options {
    http_tokens                 = var.http_tokens
    http_put_response_hop_limit = 2
  }
}

resource "aws_imagebuilder_image_recipe" "golden" {
  name         = "ubuntu-golden"
  version      = "1.0.0"
  parent_image = "arn:aws:imagebuilder:us-east-1:aws:image/ubuntu-server-22-lts-x86/1.x.3"

  component {
    component_arn = "arn:aws:imagebuilder:${var.region}:aws:component/update-linux/x.x.x"
  }

  block_device_mapping {
    device_name = "/dev/sda1"

    ebs {
      volume_size           = 30
      volume_type           = "gp3"
      throughput            = 250
      delete_on_termination = true
      encrypted             = true
    }
  }
}
