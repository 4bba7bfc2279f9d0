package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const nodeJSON = `{"metadata":{"name":%q,"resourceVersion":%q},"spec":{"podCIDR":"10.244.1.0/24"%s},
"status":{"addresses":[{"type":"InternalIP","address":"172.18.0.3"},{"type":"Hostname","address":"worker"},{"type":"InternalIP","address":"fc00::3"}]}}`

func apiServer(t *testing.T, handler http.HandlerFunc) *Client {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &Client{Server: server.URL, HTTP: server.Client(), TokenFile: token}
}

func TestListNodes(t *testing.T) {
	client := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" || r.URL.Path != "/api/v1/nodes" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		fmt.Fprintf(w, `{"metadata":{"resourceVersion":"41"},"items":[`+nodeJSON+`,`+nodeJSON+`]}`,
			"worker", "40", `,"podCIDRs":["10.244.1.0/24","fd00:10:244:1::/64"]`, "old", "12", "")
	})
	nodes, rv, err := client.ListNodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Node{
		{Name: "worker", PodCIDRs: []string{"10.244.1.0/24", "fd00:10:244:1::/64"}, InternalIPs: []string{"172.18.0.3", "fc00::3"}},
		// only spec.podCIDR (single-stack clusters of old): used as the one podCIDR
		{Name: "old", PodCIDRs: []string{"10.244.1.0/24"}, InternalIPs: []string{"172.18.0.3", "fc00::3"}},
	}
	if rv != "41" || !reflect.DeepEqual(nodes, want) {
		t.Errorf("want %v at 41, got %v at %s", want, nodes, rv)
	}
}

func TestListNodesReportsTheServersAnswer(t *testing.T) {
	client := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `nodes is forbidden: User "x" cannot list`, http.StatusForbidden)
	})
	_, _, err := client.ListNodes(context.Background())
	if err == nil || !contains(err.Error(), "403", "cannot list") {
		t.Errorf("want the status and the message, got %v", err)
	}
}

func TestWatchNodes(t *testing.T) {
	client := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("watch") != "1" || q.Get("resourceVersion") != "41" {
			http.Error(w, "bad watch "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, `{"type":"ADDED","object":`+nodeJSON+"}\n", "worker2", "42", "")
		fmt.Fprintf(w, `{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"50"}}}`+"\n")
		fmt.Fprintf(w, `{"type":"DELETED","object":`+nodeJSON+"}\n", "worker", "51", "")
	})
	var events []string
	rv, err := client.WatchNodes(context.Background(), "41", time.Minute, func(e NodeEvent) {
		events = append(events, e.Type+" "+e.Node.Name)
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ADDED worker2", "DELETED worker"}; rv != "51" || !reflect.DeepEqual(events, want) {
		t.Errorf("want %v ending at 51, got %v at %s", want, events, rv)
	}
}

func TestWatchNodesExpired(t *testing.T) {
	client := apiServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"type":"ERROR","object":{"kind":"Status","code":410,"message":"too old resource version"}}`)
	})
	if _, err := client.WatchNodes(context.Background(), "1", time.Minute, func(NodeEvent) {}); !errors.Is(err, ErrExpired) {
		t.Errorf("want ErrExpired, got %v", err)
	}
	gone := apiServer(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	if _, err := gone.WatchNodes(context.Background(), "1", time.Minute, func(NodeEvent) {}); !errors.Is(err, ErrExpired) {
		t.Errorf("want ErrExpired for HTTP 410, got %v", err)
	}
}

func contains(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
