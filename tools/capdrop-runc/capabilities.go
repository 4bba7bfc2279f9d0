package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// capabilityNames are the Linux capabilities by number (linux/capability.h).
var capabilityNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// hostBoundingSet reads CapBnd from a /proc/<pid>/status file.
func hostBoundingSet(statusFile string) (uint64, error) {
	f, err := os.Open(statusFile)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if value, ok := strings.CutPrefix(scanner.Text(), "CapBnd:"); ok {
			return strconv.ParseUint(strings.TrimSpace(value), 16, 64)
		}
	}
	if err := scanner.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no CapBnd line in %s", statusFile)
}

// allowed reports whether the bounding set holds the named capability.
// Names this table does not know are kept: runc decides about them.
func allowed(name string, bounding uint64) bool {
	for bit, known := range capabilityNames {
		if known == name {
			return bounding&(1<<uint(bit)) != 0
		}
	}
	return true
}

// filterCapabilities removes, from each capability set of an OCI process
// ("bounding", "effective", ...), the capabilities the bounding set lacks.
// It returns the names removed (each once).
func filterCapabilities(capabilities map[string]any, bounding uint64) []string {
	removed := []string{}
	seen := map[string]bool{}
	for set, value := range capabilities {
		list, ok := value.([]any)
		if !ok {
			continue
		}
		kept := make([]any, 0, len(list))
		for _, item := range list {
			name, ok := item.(string)
			if ok && !allowed(name, bounding) {
				if !seen[name] {
					seen[name] = true
					removed = append(removed, name)
				}
				continue
			}
			kept = append(kept, item)
		}
		capabilities[set] = kept
	}
	return removed
}
