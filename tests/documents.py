"""Small valid Image Builder documents shared by the loader, CLI, SARIF and network tests.

Each ``*_BAD`` document has findings of the rules named beside it under the default rule set,
whatever the exact wording of their messages; each ``*_GOOD`` document is clean.
"""

from __future__ import annotations

#: IB101 (httpTokens optional, line 9), IB201 (throughput on gp2, line 21).
CFN_TEMPLATE_BAD = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Infrastructure:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: build-infrastructure
      InstanceProfileName: !Ref InstanceProfile
      InstanceMetadataOptions:
        HttpTokens: optional
        HttpPutResponseHopLimit: 2
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: my-recipe
      Version: 1.0.0
      ParentImage: ami-0123456789abcdef0
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeType: gp2
            Throughput: 250
      Components:
        - ComponentArn: !Sub "arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:component/update-linux/x.x.x"
"""

CFN_TEMPLATE_GOOD = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Infrastructure:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: build-infrastructure
      InstanceProfileName: !Ref InstanceProfile
      InstanceMetadataOptions:
        HttpTokens: required
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: my-recipe
      Version: 1.0.0
      ParentImage: ami-0123456789abcdef0
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeType: gp3
            Throughput: 250
"""

#: IB202 (throughput 1500 over the default maximum, line 10), IB301 (parentImage, line 4).
API_RECIPE_BAD = """\
{
  "name": "my-recipe",
  "semanticVersion": "1.0.0",
  "parentImage": "ami-12345",
  "blockDeviceMappings": [
    {
      "deviceName": "/dev/xvda",
      "ebs": {
        "volumeType": "gp3", "iops": 6000,
        "throughput": 1500
      }
    }
  ],
  "components": [
    {"componentArn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.2/1"}
  ]
}
"""

API_RECIPE_GOOD = """\
{
  "name": "my-recipe",
  "semanticVersion": "1.0.0",
  "parentImage": "ami-0123456789abcdef0",
  "blockDeviceMappings": [
    {"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp3", "throughput": 500}}
  ]
}
"""

#: IB101 (httpTokens optional at 4:45).
API_INFRA_BAD = """\
{
  "name": "build-infrastructure",
  "instanceProfileName": "ImageBuilderInstanceProfile",
  "instanceMetadataOptions": {"httpTokens": "optional"}
}
"""

API_INFRA_GOOD = """\
{
  "name": "build-infrastructure",
  "instanceProfileName": "ImageBuilderInstanceProfile",
  "instanceMetadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2}
}
"""

#: Not Image Builder at all: must yield nothing, whatever is wrong with them.
GITHUB_WORKFLOW = """\
name: build
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""

KUBERNETES_MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {component: frontend}
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.25
          imagePullPolicy: IfNotPresent
"""

PACKAGE_JSON = """\
{
  "name": "my-app",
  "version": "1.0.0",
  "scripts": {"build": "tsc"},
  "dependencies": {"aws-cdk-lib": "^2.100.0"}
}
"""

CFN_S3_ONLY = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: my-bucket
      Tags:
        - Key: a
          Value: b
"""
