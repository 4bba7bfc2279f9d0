//go:build tools

// Package tools records the cri-tools commands seedbed builds for its kind node image,
// so `go mod tidy` keeps every module they need in go.sum.
package tools

import (
	_ "sigs.k8s.io/cri-tools/cmd/crictl"
)
