// Command envtest-peer starts a controller-runtime envtest control plane
// (etcd + kube-apiserver) from KUBEBUILDER_ASSETS, reports how long Start took
// and the RSS of the started processes as one JSON line, then stops it.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

func main() {
	env := &envtest.Environment{}
	started := time.Now()
	if _, err := env.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "envtest start:", err)
		os.Exit(1)
	}
	elapsed := time.Since(started)
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"readyMs": elapsed.Milliseconds()})
	// let the caller sample RSS while the control plane runs
	if d, err := time.ParseDuration(os.Getenv("ENVTEST_PEER_HOLD")); err == nil {
		time.Sleep(d)
	}
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "envtest stop:", err)
		os.Exit(1)
	}
}
