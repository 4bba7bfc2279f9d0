package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
)

// ConflistName is the file the daemon owns in the CNI config directory; kindnetd writes the same
// name, so a node image's containerd config needs nothing else.
const ConflistName = "10-kindnet.conflist"

type ipamRange struct {
	Subnet string `json:"subnet"`
}

type ipamRoute struct {
	Dst string `json:"dst"`
}

type ipam struct {
	Type    string        `json:"type"`
	DataDir string        `json:"dataDir"`
	Routes  []ipamRoute   `json:"routes"`
	Ranges  [][]ipamRange `json:"ranges"`
}

type plugin struct {
	Type         string          `json:"type"`
	IPMasq       *bool           `json:"ipMasq,omitempty"`
	IPAM         *ipam           `json:"ipam,omitempty"`
	MTU          int             `json:"mtu,omitempty"`
	Capabilities map[string]bool `json:"capabilities,omitempty"`
}

type conflist struct {
	CNIVersion string   `json:"cniVersion"`
	Name       string   `json:"name"`
	Plugins    []plugin `json:"plugins"`
}

// Conflist is the CNI configuration for a node with the given pod CIDRs (one per family, the
// primary family first, as in a Node's spec.podCIDRs): a ptp veth per pod with host-local
// addresses from every family's range and a default route per family, then portmap for hostPorts.
// The shape is kindnetd's, so kind's node configuration expects nothing different.
func Conflist(podCIDRs []string, mtu int) ([]byte, error) {
	if len(podCIDRs) == 0 {
		return nil, fmt.Errorf("the node has no podCIDRs yet")
	}
	if mtu <= 0 {
		return nil, fmt.Errorf("MTU %d is not positive", mtu)
	}
	families := map[bool]bool{}
	ranges := [][]ipamRange{}
	routes := []ipamRoute{}
	for _, cidr := range podCIDRs {
		prefix, err := netip.ParsePrefix(cidr)
		if err != nil {
			return nil, fmt.Errorf("podCIDR %q: %w", cidr, err)
		}
		v4 := prefix.Addr().Is4()
		if families[v4] {
			return nil, fmt.Errorf("podCIDRs %v: more than one %s CIDR", podCIDRs, familyName(v4))
		}
		families[v4] = true
		ranges = append(ranges, []ipamRange{{Subnet: prefix.Masked().String()}})
		if v4 {
			routes = append(routes, ipamRoute{Dst: "0.0.0.0/0"})
		} else {
			routes = append(routes, ipamRoute{Dst: "::/0"})
		}
	}
	noMasq := false
	list := conflist{
		CNIVersion: "0.3.1",
		Name:       "kindnet",
		Plugins: []plugin{
			{
				Type:   "ptp",
				IPMasq: &noMasq,
				IPAM:   &ipam{Type: "host-local", DataDir: "/run/cni-ipam-state", Routes: routes, Ranges: ranges},
				MTU:    mtu,
			},
			{Type: "portmap", Capabilities: map[string]bool{"portMappings": true}},
		},
	}
	out, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func familyName(v4 bool) string {
	if v4 {
		return "IPv4"
	}
	return "IPv6"
}

// WriteConflist writes data as dir/ConflistName unless the file already holds it, through a
// temporary file and a rename so the container runtime never reads half a file. It reports
// whether it wrote.
func WriteConflist(dir string, data []byte) (bool, error) {
	path := filepath.Join(dir, ConflistName)
	if current, err := os.ReadFile(path); err == nil && bytes.Equal(current, data) {
		return false, nil
	}
	tmp, err := os.CreateTemp(dir, ".seedbed-cni-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name()) // only left to remove when the rename did not happen
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp.Name(), path)
}
