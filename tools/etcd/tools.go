//go:build tools

// Package tools records the etcd command seedbed builds.
package tools

import _ "go.etcd.io/etcd/server/v3"
