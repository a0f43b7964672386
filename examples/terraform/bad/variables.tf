variable "region" {
  description = "Region the pipeline builds in"
  type        = string
  default     = "us-east-1"
}

variable "http_tokens" {
  description = "IMDS token setting of the build instances"
  type        = string
  default     = "optional" # IB101 names this line as the value's origin
}
