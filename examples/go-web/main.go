package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
)

const greeting = "hello from a slipway-built image"

func main() {
	once := flag.Bool("once", false, "print the greeting and exit")
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	if *once {
		fmt.Println(greeting)
		return
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, greeting) })
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	log.Printf("listening on %s", *addr)
	if err := http.ListenAndServe(*addr, nil); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}
