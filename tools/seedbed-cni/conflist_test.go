package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestConflistDualStack(t *testing.T) {
	data, err := Conflist([]string{"10.244.1.0/24", "fd00:10:244:1::/64"}, 1450)
	if err != nil {
		t.Fatal(err)
	}
	var got conflist
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	if got.Name != "kindnet" || len(got.Plugins) != 2 || got.Plugins[0].Type != "ptp" || got.Plugins[1].Type != "portmap" {
		t.Fatalf("want ptp then portmap in network kindnet, got %+v", got)
	}
	ptp := got.Plugins[0]
	if ptp.MTU != 1450 || ptp.IPMasq == nil || *ptp.IPMasq {
		t.Errorf("ptp: want MTU 1450 and ipMasq false, got %d %v", ptp.MTU, ptp.IPMasq)
	}
	wantRanges := [][]ipamRange{{{Subnet: "10.244.1.0/24"}}, {{Subnet: "fd00:10:244:1::/64"}}}
	if !reflect.DeepEqual(ptp.IPAM.Ranges, wantRanges) {
		t.Errorf("ranges: want %v, got %v", wantRanges, ptp.IPAM.Ranges)
	}
	wantRoutes := []ipamRoute{{Dst: "0.0.0.0/0"}, {Dst: "::/0"}}
	if !reflect.DeepEqual(ptp.IPAM.Routes, wantRoutes) {
		t.Errorf("routes: want %v, got %v", wantRoutes, ptp.IPAM.Routes)
	}
	if ptp.IPAM.Type != "host-local" || !got.Plugins[1].Capabilities["portMappings"] {
		t.Errorf("want host-local IPAM and portmap's portMappings capability, got\n%s", data)
	}
}

func TestConflistSingleFamilies(t *testing.T) {
	for cidr, route := range map[string]string{"10.244.0.0/24": "0.0.0.0/0", "fd00:10:244::/64": "::/0"} {
		data, err := Conflist([]string{cidr}, 1500)
		if err != nil {
			t.Fatal(err)
		}
		var got conflist
		_ = json.Unmarshal(data, &got)
		ipam := got.Plugins[0].IPAM
		if len(ipam.Ranges) != 1 || ipam.Ranges[0][0].Subnet != cidr || len(ipam.Routes) != 1 || ipam.Routes[0].Dst != route {
			t.Errorf("%s: want one range and the route %s, got %+v", cidr, route, ipam)
		}
	}
}

func TestConflistNormalisesTheSubnet(t *testing.T) {
	data, err := Conflist([]string{"10.244.1.7/24"}, 1500)
	if err != nil || !strings.Contains(string(data), `"subnet": "10.244.1.0/24"`) {
		t.Fatalf("want the masked subnet, got %v\n%s", err, data)
	}
}

func TestConflistRejectsBadInput(t *testing.T) {
	cases := map[string][]string{
		"no podCIDRs":    nil,
		"not a CIDR":     {"10.244.1.0"},
		"two IPv4 CIDRs": {"10.244.1.0/24", "10.245.1.0/24"},
		"two IPv6 CIDRs": {"fd00::/64", "fd01::/64"},
	}
	for name, cidrs := range cases {
		if _, err := Conflist(cidrs, 1500); err == nil {
			t.Errorf("%s: want an error for %v", name, cidrs)
		}
	}
	if _, err := Conflist([]string{"10.244.1.0/24"}, 0); err == nil {
		t.Error("want an error for MTU 0")
	}
}

func TestWriteConflistOnlyWhenChanged(t *testing.T) {
	dir := t.TempDir()
	for i, step := range []struct {
		data  string
		wrote bool
	}{{"a", true}, {"a", false}, {"b", true}} {
		wrote, err := WriteConflist(dir, []byte(step.data))
		if err != nil {
			t.Fatal(err)
		}
		if wrote != step.wrote {
			t.Errorf("step %d: wrote=%v, want %v", i, wrote, step.wrote)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, ConflistName)); string(got) != step.data {
			t.Errorf("step %d: file holds %q, want %q", i, got, step.data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("want only %s in the directory, got %d entries", ConflistName, len(entries))
	}
}
