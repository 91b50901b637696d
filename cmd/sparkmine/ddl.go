package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store/storeurl"
	"github.com/sparkmine/sparkmine/store/table"
)

const ddlExitCodes = "\nExit codes: 0 printed; 2 bad usage.\n"

// cmdDDL prints the CREATE statements of every table of the dataset under
// --out for one engine, from the row types' one schema.
func cmdDDL(_ context.Context, args []string, stdout io.Writer, _ *console) error {
	fs := newFlags("ddl", "--engine athena|spark|hive|duckdb [--out DATASET]", ddlExitCodes)
	engine := fs.String("engine", "", "athena, spark, hive or duckdb")
	out := fs.String("out", "./sparkmine-out", "the dataset's root (s3://bucket/prefix/ or a folder): the tables' location")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("ddl: unexpected argument %q", fs.Arg(0))
	}
	if !slices.Contains(table.Engines, *engine) {
		return usagef("ddl: --engine %q: want one of %s", *engine, strings.Join(table.Engines, ", "))
	}
	root, err := ddlRoot(*out)
	if err != nil {
		return usagef("ddl: --out: %v", err)
	}
	return writeDDL(stdout, *engine, root)
}

// ddlRoot returns the dataset root as an engine names it: s3://bucket/prefix/
// (s3a:// and s3n:// too, as given), or a local folder.
func ddlRoot(out string) (string, error) {
	loc, err := storeurl.Parse(out)
	if err != nil {
		return "", err
	}
	if loc.Scheme == "s3" {
		scheme, _, _ := strings.Cut(out, "://")
		return strings.ToLower(scheme) + "://" + loc.Bucket + "/" + loc.Prefix, nil
	}
	return loc.Path, nil
}

// writeDDL prints every table's statements.
func writeDDL(w io.Writer, engine, root string) error {
	fmt.Fprintf(w, "-- sparkmine ddl: the dataset at %s, for %s\n", root, engine)
	for _, t := range dataset.Tables {
		s, err := table.DDL(engine, t.Name(), strings.TrimSuffix(root, "/")+"/"+t.Name()+"/", t.Schema())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%s", s)
	}
	return nil
}
