package main

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServeAndGet(t *testing.T) {
	server := httptest.NewServer(handler())
	defer server.Close()
	var out bytes.Buffer
	if err := run([]string{"get", server.URL}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "127.0.0.1:") {
		t.Fatalf("answer names no remote address: %q", out.String())
	}
}

func TestResolveLocalhost(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"resolve", "localhost"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "127.0.0.1") && !strings.Contains(out.String(), "::1") {
		t.Fatalf("localhost resolved to %q", out.String())
	}
}

func TestBadUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"serve"}, {"get"}, {"nope"}} {
		if err := run(args, &bytes.Buffer{}); err == nil {
			t.Errorf("run(%v) must fail", args)
		}
	}
	var out bytes.Buffer
	if err := run([]string{"version"}, &out); err != nil || out.String() != version+"\n" {
		t.Fatalf("version: %q %v", out.String(), err)
	}
}
