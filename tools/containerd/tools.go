//go:build tools

// Package tools records the containerd commands seedbed builds for its kind node image,
// so `go mod tidy` keeps every module they need in go.sum.
package tools

import (
	_ "github.com/containerd/containerd/v2/cmd/containerd"
	_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"
	_ "github.com/containerd/containerd/v2/cmd/ctr"
)
