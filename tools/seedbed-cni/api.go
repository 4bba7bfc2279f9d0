package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// The daemon reads Nodes with two plain HTTPS requests (list, watch) and the pod's service
// account token instead of client-go: that is all it needs, and it keeps the module to one
// dependency (netlink) and the build to seconds.

const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// Client talks to the Kubernetes API server.
type Client struct {
	Server    string // https://host:port
	HTTP      *http.Client
	TokenFile string // re-read for every request: projected tokens rotate
}

// InClusterClient is the client of a pod: the API server from KUBERNETES_SERVICE_HOST/PORT, the
// service account's CA and token.
func InClusterClient() (*Client, error) {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, errors.New("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: run seedbed-cni in a pod")
	}
	ca, err := os.ReadFile(serviceAccountDir + "/ca.crt")
	if err != nil {
		return nil, fmt.Errorf("reading the service account CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("no certificate in %s/ca.crt", serviceAccountDir)
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &Client{
		Server:    "https://" + net.JoinHostPort(host, port),
		HTTP:      &http.Client{Transport: transport},
		TokenFile: serviceAccountDir + "/token",
	}, nil
}

type nodeObject struct {
	Metadata struct {
		Name            string `json:"name"`
		ResourceVersion string `json:"resourceVersion"`
	} `json:"metadata"`
	Spec struct {
		PodCIDR  string   `json:"podCIDR"`
		PodCIDRs []string `json:"podCIDRs"`
	} `json:"spec"`
	Status struct {
		Addresses []struct {
			Type    string `json:"type"`
			Address string `json:"address"`
		} `json:"addresses"`
	} `json:"status"`
}

func (o nodeObject) node() Node {
	n := Node{Name: o.Metadata.Name, PodCIDRs: o.Spec.PodCIDRs}
	if len(n.PodCIDRs) == 0 && o.Spec.PodCIDR != "" {
		n.PodCIDRs = []string{o.Spec.PodCIDR}
	}
	for _, a := range o.Status.Addresses {
		if a.Type == "InternalIP" {
			n.InternalIPs = append(n.InternalIPs, a.Address)
		}
	}
	return n
}

func (c *Client) get(ctx context.Context, path string, query url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Server+path+"?"+query.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if c.TokenFile != "" {
		token, err := os.ReadFile(c.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("reading the service account token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1024)) // only for the error message
		res.Body.Close()
		if res.StatusCode == http.StatusGone {
			return nil, ErrExpired
		}
		return nil, fmt.Errorf("GET %s: %s: %s", path, res.Status, strings.TrimSpace(string(body)))
	}
	return res, nil
}

// ListNodes returns every Node and the list's resourceVersion, to watch from.
func (c *Client) ListNodes(ctx context.Context) ([]Node, string, error) {
	res, err := c.get(ctx, "/api/v1/nodes", url.Values{})
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	var list struct {
		Metadata struct {
			ResourceVersion string `json:"resourceVersion"`
		} `json:"metadata"`
		Items []nodeObject `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil {
		return nil, "", fmt.Errorf("decoding the node list: %w", err)
	}
	nodes := make([]Node, 0, len(list.Items))
	for _, item := range list.Items {
		nodes = append(nodes, item.node())
	}
	return nodes, list.Metadata.ResourceVersion, nil
}

// ErrExpired means the resourceVersion to watch from is too old: list again.
var ErrExpired = errors.New("resource version expired")

// NodeEvent is one change of a Node: ADDED, MODIFIED or DELETED.
type NodeEvent struct {
	Type string
	Node Node
}

// WatchNodes streams Node changes after resourceVersion to onEvent until the server ends the
// watch (it returns the last resourceVersion seen, to continue from), the context ends, or the
// version expired (ErrExpired).
func (c *Client) WatchNodes(ctx context.Context, resourceVersion string, timeout time.Duration, onEvent func(NodeEvent)) (string, error) {
	query := url.Values{
		"watch":               {"1"},
		"resourceVersion":     {resourceVersion},
		"allowWatchBookmarks": {"true"},
		"timeoutSeconds":      {fmt.Sprint(int(timeout.Seconds()))},
	}
	res, err := c.get(ctx, "/api/v1/nodes", query)
	if err != nil {
		return resourceVersion, err
	}
	defer res.Body.Close()
	decoder := json.NewDecoder(bufio.NewReader(res.Body))
	for {
		var event struct {
			Type   string          `json:"type"`
			Object json.RawMessage `json:"object"`
		}
		if err := decoder.Decode(&event); err != nil {
			if errors.Is(err, io.EOF) {
				return resourceVersion, nil
			}
			return resourceVersion, fmt.Errorf("reading the node watch: %w", err)
		}
		switch event.Type {
		case "ERROR":
			var status struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			_ = json.Unmarshal(event.Object, &status) // a malformed status is reported by its code 0
			if status.Code == http.StatusGone {
				return resourceVersion, ErrExpired
			}
			return resourceVersion, fmt.Errorf("node watch: %d %s", status.Code, status.Message)
		case "ADDED", "MODIFIED", "DELETED", "BOOKMARK":
			var object nodeObject
			if err := json.Unmarshal(event.Object, &object); err != nil {
				return resourceVersion, fmt.Errorf("decoding a node watch event: %w", err)
			}
			resourceVersion = object.Metadata.ResourceVersion
			if event.Type != "BOOKMARK" {
				onEvent(NodeEvent{Type: event.Type, Node: object.node()})
			}
		}
	}
}
