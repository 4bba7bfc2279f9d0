package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// this project's hosts: every capability up to 40 except CAP_SYS_RESOURCE (24)
const hostWithoutSysResource = 0x000001fffeffffff

func privilegedCaps() []any {
	caps := []any{}
	for _, name := range capabilityNames {
		caps = append(caps, name)
	}
	return caps
}

func writeJSON(t *testing.T, path string, doc any) {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func capSets(doc map[string]any) map[string]any {
	return doc["capabilities"].(map[string]any)
}

func contains(list any, name string) bool {
	for _, item := range list.([]any) {
		if item == name {
			return true
		}
	}
	return false
}

func TestHostBoundingSet(t *testing.T) {
	status := filepath.Join(t.TempDir(), "status")
	if err := os.WriteFile(status, []byte("Name:\tx\nCapPrm:\t0000000000000000\nCapBnd:\t000001fffeffffff\nCapAmb:\t0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := hostBoundingSet(status)
	if err != nil || got != hostWithoutSysResource {
		t.Fatalf("hostBoundingSet = %x, %v", got, err)
	}
	if err := os.WriteFile(status, []byte("Name:\tx\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := hostBoundingSet(status); err == nil {
		t.Fatal("a status file without CapBnd must be an error")
	}
}

func TestCreateDropsWhatTheHostLacksFromEverySet(t *testing.T) {
	bundle := t.TempDir()
	sets := map[string]any{}
	for _, set := range []string{"bounding", "effective", "inheritable", "permitted", "ambient"} {
		sets[set] = privilegedCaps()
	}
	writeJSON(t, filepath.Join(bundle, "config.json"), map[string]any{
		"ociVersion": "1.0.2",
		"process":    map[string]any{"args": []any{"/sbin/init"}, "capabilities": sets},
		"hostname":   "node",
	})
	args := []string{"--root", "/run/x", "--log", "/tmp/log.json", "--log-format", "json", "create", "--bundle", bundle, "--pid-file", "/tmp/pid", "id"}
	if err := prepare(args, hostWithoutSysResource); err != nil {
		t.Fatal(err)
	}
	doc := readJSON(t, filepath.Join(bundle, "config.json"))
	if doc["hostname"] != "node" {
		t.Fatal("other fields must be kept")
	}
	for set, list := range capSets(doc["process"].(map[string]any)) {
		if contains(list, "CAP_SYS_RESOURCE") {
			t.Errorf("%s still holds CAP_SYS_RESOURCE", set)
		}
		if !contains(list, "CAP_SYS_ADMIN") || len(list.([]any)) != len(capabilityNames)-1 {
			t.Errorf("%s lost more than CAP_SYS_RESOURCE: %v", set, list)
		}
	}
}

func TestExecRewritesTheProcessFile(t *testing.T) {
	process := filepath.Join(t.TempDir(), "runc-process")
	writeJSON(t, process, map[string]any{"args": []any{"kubeadm"}, "capabilities": map[string]any{"bounding": privilegedCaps(), "effective": privilegedCaps()}})
	if err := prepare([]string{"--root", "/run/x", "exec", "--process=" + process, "--detach", "id"}, hostWithoutSysResource); err != nil {
		t.Fatal(err)
	}
	doc := readJSON(t, process)
	if contains(capSets(doc)["bounding"], "CAP_SYS_RESOURCE") || contains(capSets(doc)["effective"], "CAP_SYS_RESOURCE") {
		t.Fatalf("exec process still asks for CAP_SYS_RESOURCE: %v", doc)
	}
	info, _ := os.Stat(process)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode changed to %v", info.Mode())
	}
}

func TestFullBoundingSetLeavesFilesUntouched(t *testing.T) {
	bundle := t.TempDir()
	original := []byte(`{"process": {"capabilities": {"bounding": ["CAP_SYS_RESOURCE"]}},  "x": 1}`)
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), original, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := prepare([]string{"run", "-b", bundle, "id"}, ^uint64(0)); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(bundle, "config.json"))
	if string(got) != string(original) {
		t.Fatalf("file rewritten although nothing was dropped: %s", got)
	}
}

func TestOtherCommandsAreNotTouched(t *testing.T) {
	for _, args := range [][]string{{"delete", "--force", "id"}, {"state", "id"}, {"--version"}, {"exec", "id", "sh"}} {
		if err := prepare(args, hostWithoutSysResource); err != nil {
			t.Errorf("prepare(%v) = %v", args, err)
		}
	}
}

func TestMissingBundleIsAnError(t *testing.T) {
	if err := prepare([]string{"create", "--bundle", filepath.Join(t.TempDir(), "nope"), "id"}, hostWithoutSysResource); err == nil {
		t.Fatal("a missing config.json must fail before runc runs")
	}
}

func TestSplitCommandAndOptions(t *testing.T) {
	command, rest := splitCommand([]string{"--debug", "--root", "create", "--systemd-cgroup", "create", "-b", "x", "id"})
	if command != "create" || !reflect.DeepEqual(rest, []string{"-b", "x", "id"}) {
		t.Fatalf("splitCommand = %q %v", command, rest)
	}
	if v, ok := optionValue([]string{"--bundle=/b", "id"}, "bundle", "b"); !ok || v != "/b" {
		t.Fatalf("--bundle=: %q %v", v, ok)
	}
	if _, ok := optionValue([]string{"id", "--", "--bundle", "x"}, "bundle"); ok {
		t.Fatal("arguments after -- are not options")
	}
}

func TestRealRuncSkipsItself(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	self := filepath.Join(first, "runc")
	other := filepath.Join(second, "runc")
	for _, p := range []string{self, other} {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := realRunc("", first+string(os.PathListSeparator)+second, self)
	if err != nil || got != other {
		t.Fatalf("realRunc = %q, %v; want %q", got, err, other)
	}
	if got, _ := realRunc("/usr/bin/runc", "", self); got != "/usr/bin/runc" {
		t.Fatalf("explicit runc ignored: %q", got)
	}
	if _, err := realRunc("", first, self); err == nil {
		t.Fatal("only itself on PATH must be an error")
	}
}
