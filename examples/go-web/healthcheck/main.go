// A tiny HTTP health probe, so the final image needs no curl or shell.
package main

import (
	"net/http"
	"os"
)

func main() {
	url := "http://127.0.0.1:8080/healthz"
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	resp, err := http.Get(url)
	if err != nil || resp.StatusCode != http.StatusOK {
		os.Exit(1)
	}
}
