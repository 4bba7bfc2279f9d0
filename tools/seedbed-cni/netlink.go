package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// routeProtocol marks the routes the daemon installs (an rtnetlink protocol number no routing
// daemon uses), so it lists and removes only its own and never touches anyone else's.
const routeProtocol = netlink.RouteProtocol(157)

// DefaultMTU is used when no interface holds the node's address.
const DefaultMTU = 1500

func ownRoutes() ([]Route, error) {
	var routes []Route
	for _, family := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		list, err := netlink.RouteListFiltered(family, &netlink.Route{Protocol: routeProtocol}, netlink.RT_FILTER_PROTOCOL)
		if err != nil {
			return nil, fmt.Errorf("listing routes: %w", err)
		}
		for _, r := range list {
			if r.Dst == nil {
				continue
			}
			dst, ok := prefixOf(r.Dst)
			gw, gwOK := netip.AddrFromSlice(r.Gw)
			if !ok || !gwOK {
				continue
			}
			routes = append(routes, Route{Dst: dst, Gw: gw.Unmap()})
		}
	}
	return routes, nil
}

func prefixOf(n *net.IPNet) (netip.Prefix, bool) {
	addr, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(addr.Unmap(), ones), true
}

func toNetlink(r Route) *netlink.Route {
	return &netlink.Route{
		Dst:      &net.IPNet{IP: r.Dst.Addr().AsSlice(), Mask: net.CIDRMask(r.Dst.Bits(), r.Dst.Addr().BitLen())},
		Gw:       r.Gw.AsSlice(),
		Protocol: routeProtocol,
	}
}

// applyRoutes makes the node's routes match: replace (add or change the gateway), then remove.
// Every failure is returned together.
func applyRoutes(replace, remove []Route) error {
	var errs []error
	for _, r := range replace {
		if err := netlink.RouteReplace(toNetlink(r)); err != nil {
			errs = append(errs, fmt.Errorf("route %s via %s: %w", r.Dst, r.Gw, err))
		}
	}
	for _, r := range remove {
		// already gone is what we wanted
		if err := netlink.RouteDel(toNetlink(r)); err != nil && !errors.Is(err, unix.ESRCH) {
			errs = append(errs, fmt.Errorf("deleting route %s via %s: %w", r.Dst, r.Gw, err))
		}
	}
	return errors.Join(errs...)
}

// interfaceMTU is the MTU of the interface holding hostIP, so pod traffic fits the node's network.
func interfaceMTU(hostIP string) (int, error) {
	host, err := netip.ParseAddr(hostIP)
	if err != nil {
		return 0, fmt.Errorf("HOST_IP %q: %w", hostIP, err)
	}
	links, err := netlink.LinkList()
	if err != nil {
		return 0, err
	}
	for _, link := range links {
		addrs, err := netlink.AddrList(link, netlink.FAMILY_ALL)
		if err != nil {
			continue // the link went away while listing
		}
		for _, a := range addrs {
			if ip, ok := netip.AddrFromSlice(a.IP); ok && ip.Unmap() == host.Unmap() {
				return link.Attrs().MTU, nil
			}
		}
	}
	return 0, fmt.Errorf("no interface holds %s", hostIP)
}
