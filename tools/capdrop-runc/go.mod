// seedbed's own OCI runtime wrapper (no dependencies): drops the capabilities the
// host's bounding set lacks, then runs the real runc. See main.go.
module seedbed.dev/tools/capdrop-runc

go 1.26.0
