// Command seedbed-cni is the CNI daemon of seedbed's kind node image, in kindnetd's place. Run
// on every node as a DaemonSet pod (hostNetwork, NET_ADMIN), it reads the Nodes through the API
// server and
//   - writes the node's CNI configuration (ptp + host-local over the node's podCIDRs in every
//     family, portmap) to /etc/cni/net.d once the node has podCIDRs;
//   - keeps a route to every other node's podCIDRs via that node's InternalIP of the same family,
//     updated as nodes come, change and go (a watch, plus a periodic resync).
//
// Pod traffic is not masqueraded: pods reach each other, Services and the nodes; a destination
// outside the cluster sees pod addresses.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"
)

var version = "dev" // set with -X main.version

func main() {
	confDir := flag.String("cni-conf-dir", "/etc/cni/net.d", "directory of the CNI configuration")
	mtu := flag.Int("mtu", 0, "MTU of pod interfaces (0: that of the interface holding HOST_IP)")
	resync := flag.Duration("resync", 30*time.Second, "how often to re-apply routes and configuration")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("seedbed-cni", version)
		return
	}
	log.SetFlags(log.LstdFlags | log.LUTC)
	d := &daemon{confDir: *confDir, mtu: *mtu, nodeName: os.Getenv("NODE_NAME"), hostIP: os.Getenv("HOST_IP"), nodes: map[string]Node{}}
	if d.nodeName == "" && d.hostIP == "" {
		log.Fatal("set NODE_NAME (spec.nodeName) or HOST_IP (status.hostIP) from the downward API, so seedbed-cni knows its node")
	}
	if d.mtu == 0 {
		d.mtu = DefaultMTU
		if d.hostIP != "" {
			if m, err := interfaceMTU(d.hostIP); err == nil {
				d.mtu = m
			} else {
				log.Printf("MTU %d: %v", DefaultMTU, err)
			}
		}
	}
	client, err := InClusterClient()
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	log.Printf("seedbed-cni %s: node %q, host IP %q, MTU %d", version, d.nodeName, d.hostIP, d.mtu)
	go func() {
		for ticker := time.NewTicker(*resync); ; {
			select {
			case <-ctx.Done():
				ticker.Stop()
				return
			case <-ticker.C:
				d.sync()
			}
		}
	}()
	d.run(ctx, client)
}

type daemon struct {
	confDir  string
	mtu      int
	nodeName string
	hostIP   string

	mu    sync.Mutex
	nodes map[string]Node
}

// run lists the nodes, then watches them, listing again when the watch's version expired, until
// ctx ends. Errors are logged and retried after a pause: the API server may be restarting.
func (d *daemon) run(ctx context.Context, client *Client) {
	const pause = 2 * time.Second
	for ctx.Err() == nil {
		nodes, rv, err := client.ListNodes(ctx)
		if err != nil {
			log.Printf("listing nodes: %v", err)
			sleep(ctx, pause)
			continue
		}
		d.mu.Lock()
		d.nodes = map[string]Node{}
		for _, n := range nodes {
			d.nodes[n.Name] = n
		}
		d.mu.Unlock()
		d.sync()
		for ctx.Err() == nil {
			rv, err = client.WatchNodes(ctx, rv, 5*time.Minute, func(e NodeEvent) {
				d.mu.Lock()
				if e.Type == "DELETED" {
					delete(d.nodes, e.Node.Name)
				} else {
					d.nodes[e.Node.Name] = e.Node
				}
				d.mu.Unlock()
				d.sync()
			})
			if errors.Is(err, ErrExpired) {
				break
			}
			if err != nil && ctx.Err() == nil {
				log.Printf("watching nodes: %v", err)
				sleep(ctx, pause)
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// sync writes the CNI configuration and makes the routes match the nodes seen.
func (d *daemon) sync() {
	d.mu.Lock()
	defer d.mu.Unlock()
	nodes := make([]Node, 0, len(d.nodes))
	for _, n := range d.nodes {
		nodes = append(nodes, n)
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	self, ok := SelfNode(nodes, d.nodeName, d.hostIP)
	if !ok {
		log.Printf("waiting for this node (name %q, host IP %q) among %d nodes", d.nodeName, d.hostIP, len(nodes))
		return
	}
	if len(self.PodCIDRs) == 0 {
		log.Printf("waiting for podCIDRs on node %s", self.Name)
	} else if data, err := Conflist(self.PodCIDRs, d.mtu); err != nil {
		log.Printf("CNI configuration of node %s: %v", self.Name, err)
	} else if wrote, err := WriteConflist(d.confDir, data); err != nil {
		log.Printf("writing the CNI configuration: %v", err)
	} else if wrote {
		log.Printf("wrote %s/%s for podCIDRs %v", d.confDir, ConflistName, self.PodCIDRs)
	}
	current, err := ownRoutes()
	if err != nil {
		log.Print(err)
		return
	}
	replace, remove := DiffRoutes(current, DesiredRoutes(self.Name, nodes))
	for _, r := range replace {
		log.Printf("route %s via %s", r.Dst, r.Gw)
	}
	for _, r := range remove {
		log.Printf("removing route %s via %s", r.Dst, r.Gw)
	}
	if err := applyRoutes(replace, remove); err != nil {
		log.Print(err)
	}
}
