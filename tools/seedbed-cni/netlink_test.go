package main

import (
	"net"
	"os"
	"reflect"
	"runtime"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// inNetworkNamespace runs the test on this thread inside a new network namespace holding a
// veth "eth0" with 172.18.0.2/16 and fc00:f853:ccd:e793::2/64, as a kind node's network.
func inNetworkNamespace(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	runtime.LockOSThread()
	host, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	ns, err := netns.New()
	if err != nil {
		t.Fatalf("creating a network namespace: %v", err)
	}
	t.Cleanup(func() {
		if err := netns.Set(host); err != nil {
			t.Errorf("back to the host namespace: %v", err) // the thread stays locked, so it dies with the test
			return
		}
		ns.Close()
		host.Close()
		runtime.UnlockOSThread()
	})
	// a veth pair: the kernel here has no dummy driver
	link := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0", MTU: 1400}, PeerName: "peer0"}
	if err := netlink.LinkAdd(link); err != nil {
		t.Fatal(err)
	}
	peer, err := netlink.LinkByName("peer0")
	if err != nil {
		t.Fatal(err)
	}
	if err := netlink.LinkSetUp(peer); err != nil {
		t.Fatal(err)
	}
	for _, cidr := range []string{"172.18.0.2/16", "fc00:f853:ccd:e793::2/64"} {
		addr, _ := netlink.ParseAddr(cidr)
		addr.Flags = unix.IFA_F_NODAD
		if err := netlink.AddrAdd(link, addr); err != nil {
			t.Fatalf("address %s: %v", cidr, err)
		}
	}
	if err := netlink.LinkSetUp(link); err != nil {
		t.Fatal(err)
	}
}

func TestRoutesInANetworkNamespace(t *testing.T) {
	inNetworkNamespace(t)
	_, foreignDst, _ := net.ParseCIDR("10.99.0.0/24")
	foreign := &netlink.Route{Dst: foreignDst, Gw: net.ParseIP("172.18.0.9")}
	if err := netlink.RouteAdd(foreign); err != nil {
		t.Fatal(err)
	}
	sync := func(desired []Route) {
		t.Helper()
		current, err := ownRoutes()
		if err != nil {
			t.Fatal(err)
		}
		if err := applyRoutes(DiffRoutes(current, desired)); err != nil {
			t.Fatal(err)
		}
		got, err := ownRoutes()
		if err != nil {
			t.Fatal(err)
		}
		sortRoutes(got)
		if len(got) == 0 && len(desired) == 0 {
			return
		}
		if !reflect.DeepEqual(got, desired) {
			t.Fatalf("want the node's own routes %v, got %v", desired, got)
		}
	}
	nodes := []Node{
		{Name: "self", PodCIDRs: []string{"10.244.0.0/24", "fd00:10:244::/64"}, InternalIPs: []string{"172.18.0.2", "fc00:f853:ccd:e793::2"}},
		{Name: "worker", PodCIDRs: []string{"10.244.1.0/24", "fd00:10:244:1::/64"}, InternalIPs: []string{"172.18.0.3", "fc00:f853:ccd:e793::3"}},
		{Name: "worker2", PodCIDRs: []string{"10.244.2.0/24", "fd00:10:244:2::/64"}, InternalIPs: []string{"172.18.0.4", "fc00:f853:ccd:e793::4"}},
	}
	sync(DesiredRoutes("self", nodes))
	nodes[2].InternalIPs = []string{"172.18.0.5", "fc00:f853:ccd:e793::5"} // worker2 moved
	sync(DesiredRoutes("self", nodes))
	sync(DesiredRoutes("self", nodes[:2])) // worker2 gone
	sync(nil)

	routes, err := netlink.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Dst: foreignDst}, netlink.RT_FILTER_DST)
	if err != nil || len(routes) != 1 {
		t.Errorf("the route seedbed-cni does not own must stay: %v %v", routes, err)
	}
	if mtu, err := interfaceMTU("fc00:f853:ccd:e793::2"); err != nil || mtu != 1400 {
		t.Errorf("want the MTU of eth0 (1400), got %d %v", mtu, err)
	}
	if _, err := interfaceMTU("192.0.2.1"); err == nil {
		t.Error("want an error for an address no interface holds")
	}
}
