package main

import (
	"net/netip"
	"reflect"
	"testing"
)

func route(dst, gw string) Route {
	return Route{Dst: netip.MustParsePrefix(dst), Gw: netip.MustParseAddr(gw)}
}

var dualStackNodes = []Node{
	{Name: "cp", PodCIDRs: []string{"10.244.0.0/24", "fd00:10:244::/64"}, InternalIPs: []string{"172.18.0.2", "fc00:f853:ccd:e793::2"}},
	{Name: "worker", PodCIDRs: []string{"10.244.1.0/24", "fd00:10:244:1::/64"}, InternalIPs: []string{"172.18.0.3", "fc00:f853:ccd:e793::3"}},
	{Name: "worker2", PodCIDRs: []string{"fd00:10:244:2::/64", "10.244.2.0/24"}, InternalIPs: []string{"fc00:f853:ccd:e793::4", "172.18.0.4"}},
}

func TestDesiredRoutesPerFamilyViaTheSameFamily(t *testing.T) {
	got := DesiredRoutes("worker", dualStackNodes)
	want := []Route{
		route("10.244.0.0/24", "172.18.0.2"),
		route("10.244.2.0/24", "172.18.0.4"),
		route("fd00:10:244::/64", "fc00:f853:ccd:e793::2"),
		route("fd00:10:244:2::/64", "fc00:f853:ccd:e793::4"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("want %v, got %v", want, got)
	}
}

func TestDesiredRoutesSkipsWhatCannotBeRouted(t *testing.T) {
	nodes := []Node{
		{Name: "self", PodCIDRs: []string{"10.244.0.0/24"}, InternalIPs: []string{"172.18.0.2"}},
		{Name: "no-cidrs-yet", InternalIPs: []string{"172.18.0.3"}},
		{Name: "v4-only-address", PodCIDRs: []string{"10.244.2.0/24", "fd00:10:244:2::/64"}, InternalIPs: []string{"172.18.0.4"}},
		{Name: "garbage", PodCIDRs: []string{"nonsense"}, InternalIPs: []string{"also nonsense"}},
	}
	want := []Route{route("10.244.2.0/24", "172.18.0.4")}
	if got := DesiredRoutes("self", nodes); !reflect.DeepEqual(got, want) {
		t.Errorf("want %v, got %v", want, got)
	}
	if got := DesiredRoutes("self", nodes[:1]); len(got) != 0 {
		t.Errorf("a single node needs no routes, got %v", got)
	}
}

func TestDiffRoutes(t *testing.T) {
	current := []Route{
		route("10.244.1.0/24", "172.18.0.3"), // kept
		route("10.244.2.0/24", "172.18.0.9"), // gateway changed
		route("10.244.3.0/24", "172.18.0.5"), // node gone
	}
	desired := []Route{
		route("10.244.1.0/24", "172.18.0.3"),
		route("10.244.2.0/24", "172.18.0.4"),
		route("fd00:10:244:4::/64", "fc00::6"), // new node
	}
	replace, remove := DiffRoutes(current, desired)
	if want := []Route{route("10.244.2.0/24", "172.18.0.4"), route("fd00:10:244:4::/64", "fc00::6")}; !reflect.DeepEqual(replace, want) {
		t.Errorf("replace: want %v, got %v", want, replace)
	}
	if want := []Route{route("10.244.3.0/24", "172.18.0.5")}; !reflect.DeepEqual(remove, want) {
		t.Errorf("remove: want %v, got %v", want, remove)
	}
	if r, d := DiffRoutes(desired, desired); len(r)+len(d) != 0 {
		t.Errorf("nothing to do when routes match, got %v %v", r, d)
	}
}

func TestSelfNode(t *testing.T) {
	if n, ok := SelfNode(dualStackNodes, "worker2", ""); !ok || n.Name != "worker2" {
		t.Errorf("by name: got %v %v", n.Name, ok)
	}
	if n, ok := SelfNode(dualStackNodes, "", "fc00:f853:ccd:e793::3"); !ok || n.Name != "worker" {
		t.Errorf("by IPv6 host IP: got %v %v", n.Name, ok)
	}
	if n, ok := SelfNode(dualStackNodes, "", "172.18.0.2"); !ok || n.Name != "cp" {
		t.Errorf("by IPv4 host IP: got %v %v", n.Name, ok)
	}
	if _, ok := SelfNode(dualStackNodes, "elsewhere", "172.18.0.2"); ok {
		t.Error("a name that matches no node must not fall back to the host IP")
	}
	if _, ok := SelfNode(dualStackNodes, "", "10.0.0.1"); ok {
		t.Error("an unknown host IP matches no node")
	}
}
