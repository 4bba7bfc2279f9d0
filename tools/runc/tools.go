//go:build tools

// Package tools records the runc commands seedbed builds for its kind node image,
// so `go mod tidy` keeps every module they need in go.sum.
package tools

import (
	_ "github.com/opencontainers/runc"
)
