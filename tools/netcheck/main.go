// netcheck is the one program in the image seedbed's kind tests build locally
// (`docker import` of a tar holding this static binary; nothing is pulled):
//
//	netcheck serve ADDR      answer every HTTP request with "<hostname> <remote address>"
//	netcheck get URL         print the body of a GET (exit 1 on failure)
//	netcheck resolve NAME    print NAME's addresses, one a line, via /etc/resolv.conf
//	netcheck version         print its version
//
// so a pod serves, fetches across nodes, and resolves names through CoreDNS.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"time"
)

const version = "netcheck 1"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "netcheck: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: netcheck serve ADDR | get URL | resolve NAME | version")
	}
	switch args[0] {
	case "version":
		_, err := fmt.Fprintln(out, version)
		return err
	case "serve":
		if len(args) != 2 {
			return fmt.Errorf("usage: netcheck serve ADDR (e.g. :8080)")
		}
		return http.ListenAndServe(args[1], handler())
	case "get":
		if len(args) != 2 {
			return fmt.Errorf("usage: netcheck get URL")
		}
		return get(args[1], out)
	case "resolve":
		if len(args) != 2 {
			return fmt.Errorf("usage: netcheck resolve NAME")
		}
		return resolve(args[1], out)
	}
	return fmt.Errorf("unknown command %q (serve, get, resolve, version)", args[0])
}

func handler() http.Handler {
	hostname, _ := os.Hostname()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s\n", hostname, r.RemoteAddr)
	})
}

func get(url string, out io.Writer) error {
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	_, err = io.Copy(out, resp.Body)
	return err
}

func resolve(name string, out io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, name)
	if err != nil {
		return err
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		fmt.Fprintln(out, a)
	}
	return nil
}
