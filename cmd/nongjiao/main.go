// Command nongjiao runs the rural property rights exchange.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := os.Getenv("NONGJIAO_LISTEN")
	if addr == "" {
		addr = ":8080"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "nongjiao: the GraphQL API is being built")
	})
	log.Printf("nongjiao listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, mux))
}
