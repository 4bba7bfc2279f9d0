// capdrop-runc is an OCI runtime that dockerd is given (--add-runtime NAME=PATH
// --default-runtime NAME) on hosts whose capability bounding set lacks
// capabilities that `docker run --privileged` asks for (docker 20.10 asks for
// every capability up to /proc/sys/kernel/cap_last_cap). runc then fails with
// "unable to apply caps: operation not permitted".
//
// Before `create` and `run` it rewrites the bundle's config.json, and before
// `exec` the --process file, removing from every capability set the
// capabilities the host's bounding set lacks. Then it execs the real runc with
// the same arguments: $SEEDBED_REAL_RUNC, else the first other `runc` on PATH.
//
// `capdrop-runc version` prints its version: seedbed's privileged-container
// probe runs this static binary as the whole image.
package main

import (
	"fmt"
	"os"
	"syscall"
)

const version = "capdrop-runc 1"

// RealRuncEnv names the runc to exec; unset, the first other runc on PATH.
const RealRuncEnv = "SEEDBED_REAL_RUNC"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println(version)
		return
	}
	bounding, err := hostBoundingSet("/proc/self/status")
	if err == nil {
		err = prepare(os.Args[1:], bounding)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "capdrop-runc: %v\n", err)
		os.Exit(1)
	}
	self, _ := os.Executable()
	runc, err := realRunc(os.Getenv(RealRuncEnv), os.Getenv("PATH"), self)
	if err != nil {
		fmt.Fprintf(os.Stderr, "capdrop-runc: %v\n", err)
		os.Exit(1)
	}
	args := append([]string{"runc"}, os.Args[1:]...)
	if err := syscall.Exec(runc, args, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "capdrop-runc: exec %s: %v\n", runc, err)
		os.Exit(1)
	}
}
