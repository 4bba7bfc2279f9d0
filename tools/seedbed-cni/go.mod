// seedbed-cni: the small CNI daemon of seedbed's kind node image (kindnetd's source is not served
// by the module proxy here). Its own source: the binaries cache keys it by a hash of this directory.
module seedbed.dev/tools/seedbed-cni

go 1.26.0

require (
	github.com/vishvananda/netlink v1.3.1
	golang.org/x/sys v0.10.0
)

require github.com/vishvananda/netns v0.0.5
