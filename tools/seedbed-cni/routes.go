package main

import (
	"net/netip"
	"sort"
)

// Node is what the daemon needs of a Kubernetes Node.
type Node struct {
	Name        string
	PodCIDRs    []string
	InternalIPs []string
}

// Route sends a pod CIDR of another node to that node's address of the same family.
type Route struct {
	Dst netip.Prefix
	Gw  netip.Addr
}

// DesiredRoutes is one route per pod CIDR of every node but self, via that node's InternalIP of
// the CIDR's family. CIDRs of a family the node has no InternalIP of, and unparsable values, are
// skipped (the node is not reachable that way); the result is sorted so it can be compared.
func DesiredRoutes(self string, nodes []Node) []Route {
	routes := []Route{}
	for _, node := range nodes {
		if node.Name == self {
			continue
		}
		gateways := map[bool]netip.Addr{}
		for _, ip := range node.InternalIPs {
			addr, err := netip.ParseAddr(ip)
			if err != nil {
				continue
			}
			addr = addr.Unmap()
			if _, seen := gateways[addr.Is4()]; !seen {
				gateways[addr.Is4()] = addr
			}
		}
		for _, cidr := range node.PodCIDRs {
			prefix, err := netip.ParsePrefix(cidr)
			if err != nil {
				continue
			}
			gw, ok := gateways[prefix.Addr().Is4()]
			if !ok {
				continue
			}
			routes = append(routes, Route{Dst: prefix.Masked(), Gw: gw})
		}
	}
	sortRoutes(routes)
	return routes
}

// DiffRoutes says which routes to add or replace (desired, and not present with that gateway)
// and which to delete (present, for a destination no longer desired). current holds only the
// daemon's own routes.
func DiffRoutes(current, desired []Route) (replace, remove []Route) {
	have := map[netip.Prefix]netip.Addr{}
	for _, r := range current {
		have[r.Dst] = r.Gw
	}
	want := map[netip.Prefix]bool{}
	for _, r := range desired {
		want[r.Dst] = true
		if gw, ok := have[r.Dst]; !ok || gw != r.Gw {
			replace = append(replace, r)
		}
	}
	for _, r := range current {
		if !want[r.Dst] {
			remove = append(remove, r)
		}
	}
	sortRoutes(replace)
	sortRoutes(remove)
	return replace, remove
}

func sortRoutes(routes []Route) {
	sort.Slice(routes, func(i, j int) bool {
		if c := routes[i].Dst.Addr().Compare(routes[j].Dst.Addr()); c != 0 {
			return c < 0
		}
		return routes[i].Dst.Bits() < routes[j].Dst.Bits()
	})
}

// SelfNode finds the daemon's own node: by name when it is known (NODE_NAME from the downward
// API), else as the node holding hostIP (HOST_IP, status.hostIP, which kind's manifest sets).
func SelfNode(nodes []Node, name, hostIP string) (Node, bool) {
	host, hostErr := netip.ParseAddr(hostIP)
	for _, node := range nodes {
		if name != "" {
			if node.Name == name {
				return node, true
			}
			continue
		}
		if hostErr != nil {
			continue
		}
		for _, ip := range node.InternalIPs {
			if addr, err := netip.ParseAddr(ip); err == nil && addr.Unmap() == host.Unmap() {
				return node, true
			}
		}
	}
	return Node{}, false
}
