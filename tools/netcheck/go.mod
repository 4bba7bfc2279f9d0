// seedbed's network check program for the kind integration tests (no dependencies). See main.go.
module seedbed.dev/tools/netcheck

go 1.26.0
