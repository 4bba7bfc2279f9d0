package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// runc's global options that take a value (runc --help).
var globalWithValue = map[string]bool{"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true}

// splitCommand returns runc's subcommand and the arguments after it.
func splitCommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			return arg, args[i+1:]
		}
		if globalWithValue[arg] {
			i++
		}
	}
	return "", nil
}

// optionValue finds --name VALUE, --name=VALUE, -short VALUE or -short=VALUE
// (runc's CLI library accepts one or two dashes) among a subcommand's arguments.
func optionValue(args []string, names ...string) (string, bool) {
	for i, arg := range args {
		if arg == "--" {
			break
		}
		for _, name := range names {
			for _, dashes := range []string{"-", "--"} {
				flag := dashes + name
				if arg == flag && i+1 < len(args) {
					return args[i+1], true
				}
				if value, ok := strings.CutPrefix(arg, flag+"="); ok {
					return value, true
				}
			}
		}
	}
	return "", false
}

// prepare rewrites the file runc is about to read so that no capability the
// host lacks is asked for: config.json for create/run, the process file for exec.
func prepare(args []string, bounding uint64) error {
	command, rest := splitCommand(args)
	switch command {
	case "create", "run":
		bundle, ok := optionValue(rest, "bundle", "b")
		if !ok {
			bundle = "."
		}
		return rewrite(filepath.Join(bundle, "config.json"), bounding, func(doc map[string]any) map[string]any {
			process, _ := doc["process"].(map[string]any)
			return process
		})
	case "exec":
		file, ok := optionValue(rest, "process", "p")
		if !ok {
			return nil // the process is given on the command line: runc's defaults hold no extra capabilities
		}
		return rewrite(file, bounding, func(doc map[string]any) map[string]any { return doc })
	}
	return nil
}

// rewrite filters the capabilities of the process that pick finds in the JSON
// file, and writes the file back (same mode) only when something was removed.
func rewrite(path string, bounding uint64, pick func(map[string]any) map[string]any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	process := pick(doc)
	if process == nil {
		return nil
	}
	capabilities, ok := process["capabilities"].(map[string]any)
	if !ok {
		return nil
	}
	if removed := filterCapabilities(capabilities, bounding); len(removed) == 0 {
		return nil
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, info.Mode().Perm())
}

// realRunc is the runc to exec: explicit, else the first `runc` on PATH that is not this program.
func realRunc(explicit, path, self string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	selfResolved, _ := filepath.EvalSymlinks(self)
	for _, dir := range filepath.SplitList(path) {
		candidate := filepath.Join(dir, "runc")
		resolved, err := filepath.EvalSymlinks(candidate)
		if err != nil || resolved == selfResolved {
			continue
		}
		if _, err := exec.LookPath(candidate); err == nil {
			return candidate, nil
		}
	}
	return "", errors.New("no runc found on PATH (set " + RealRuncEnv + " to the real runc)")
}
