// Command coldoc writes pipeline/fleet's fieldDocs from the comments of
// the row types (see package coldoc):
//
//	go generate ./pipeline/fleet
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/sparkmine/sparkmine/pipeline/fleet/internal/coldoc"
)

func main() {
	out := flag.String("o", "", "the Go file to write")
	flag.Parse()
	docs, err := coldoc.Read(flag.Args()...)
	if err == nil {
		var src []byte
		if src, err = docs.Source("fleet", "pipeline/fleet/internal/coldoc/cmd"); err == nil {
			err = os.WriteFile(*out, src, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "coldoc:", err)
		os.Exit(1)
	}
}
