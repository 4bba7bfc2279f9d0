//go:build tools

// Package tools records the kind command seedbed builds.
package tools

import _ "sigs.k8s.io/kind"
