package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/sparkmine/sparkmine/pipeline/fleet"
	"github.com/sparkmine/sparkmine/store/sqldb"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

const mcpHelp = `Usage: sparkmine mcp --out DATASET [--http 127.0.0.1:PORT] [flags]

Serves the dataset to AI agents over the Model Context Protocol: tools
list_apps, get_app, top_waste, compare_runs, explain_finding and query
(read-only DuckDB SQL under row, byte and time limits), a schema resource
per table, and the prompts investigate_failure and weekly_cost_review.
Over stdio by default (an agent starts the command); with --http, as
streamable HTTP on a local address. An S3 dataset is first mirrored into
--cache through sparkmine's own S3 client.

Exit codes: 0 served until the client left or the server was stopped; 1 the
dataset could not be read; 2 bad usage or config.

Flags:
`

type mcpOptions struct {
	cfg   *Config
	http  string
	cache string
	lim   sqldb.Limits
}

func cmdMCP(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseMCP(args, stdout)
	if err != nil {
		return err
	}
	return runMCP(ctx, o, os.Stdin, stdout, stderr)
}

func parseMCP(args []string, stdout io.Writer) (*mcpOptions, error) {
	fs := newFlags("mcp", "--out DATASET [flags]", "")
	fs.Usage = func() { fmt.Fprint(fs.Output(), mcpHelp); fs.PrintDefaults() }
	o := &mcpOptions{lim: sqldb.DefaultLimits()}
	ds := datasetFlags(fs)
	fs.StringVar(&o.http, "http", "", "serve streamable HTTP on this local address (e.g. 127.0.0.1:8765) instead of stdio")
	fs.StringVar(&o.cache, "cache", "", "folder an S3 dataset is mirrored into (default: the user cache folder)")
	fs.IntVar(&o.lim.MaxRows, "max-rows", o.lim.MaxRows, "rows one query may return")
	fs.DurationVar(&o.lim.Timeout, "query-timeout", o.lim.Timeout, "time one query may run")
	if err := parseFlags(fs, args, stdout); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("mcp: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := ds.config()
	if err != nil {
		return nil, err
	}
	o.cfg = cfg
	if o.http != "" {
		host, _, err := net.SplitHostPort(o.http)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return nil, usagef("mcp: --http %q: want a loopback address such as 127.0.0.1:8765 (the server has no authentication)", o.http)
		}
	}
	return o, nil
}

// dataset are the flags of a command that reads the dataset.
type datasetFlagSet struct {
	out, configPath, endpoint string
	pathStyle                 bool
}

// datasetFlags adds --out, --config and the S3 flags.
func datasetFlags(fs *flag.FlagSet) *datasetFlagSet {
	d := &datasetFlagSet{}
	fs.StringVar(&d.out, "out", "", "the dataset (s3://bucket/prefix/ or a folder; default: the config's out, else ./sparkmine-out)")
	fs.StringVar(&d.configPath, "config", "", "config file (YAML)")
	fs.StringVar(&d.endpoint, "s3-endpoint", "", "endpoint of an S3-compatible store")
	fs.BoolVar(&d.pathStyle, "s3-path-style", false, "path-style S3 addressing")
	return d
}

// config loads the config file with the flags applied.
func (d *datasetFlagSet) config() (*Config, error) {
	cfg, err := loadConfig(d.configPath)
	if err != nil {
		return nil, err
	}
	if d.out != "" {
		cfg.Out = d.out
	}
	if d.endpoint != "" {
		cfg.S3.Endpoint = d.endpoint
	}
	cfg.S3.PathStyle = cfg.S3.PathStyle || d.pathStyle
	return &cfg, cfg.validate()
}

// openFleet opens the dataset, mirroring an S3 one into cache first.
func openFleet(ctx context.Context, cfg *Config, cache string, lim sqldb.Limits) (*fleet.Fleet, error) {
	loc, err := storeurl.Parse(cfg.Out)
	if err != nil {
		return nil, usagef("--out: %v", err)
	}
	dir := loc.Path
	if loc.Scheme == "s3" {
		if dir, err = cacheDir(cache, loc.String()); err != nil {
			return nil, err
		}
		st, err := storeurl.Open(ctx, cfg.Out, cfg.S3.options())
		if err != nil {
			return nil, usagef("--out: %v", err)
		}
		if _, err := sqldb.Mirror(ctx, st, dir, fleet.Tables(), nil); err != nil {
			return nil, err
		}
	}
	return fleet.Open(ctx, dir, lim)
}

// cacheDir is the folder a dataset URL is mirrored into.
func cacheDir(cache, url string) (string, error) {
	if cache == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", usagef("no cache folder: set --cache (%v)", err)
		}
		cache = filepath.Join(base, "sparkmine")
	}
	sum := sha256.Sum256([]byte(url))
	dir := filepath.Join(cache, hex.EncodeToString(sum[:8]))
	return dir, os.MkdirAll(dir, 0o755)
}

func runMCP(ctx context.Context, o *mcpOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	f, err := openFleet(ctx, o.cfg, o.cache, o.lim)
	if err != nil {
		return fmt.Errorf("mcp: %w", err)
	}
	defer f.Close()
	srv := fleet.NewServer(f, version)
	if o.http == "" {
		err := srv.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(stdin), Writer: nopWriteCloser{stdout}})
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	hs := &http.Server{Addr: o.http, Handler: mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	fmt.Fprintf(stderr, "sparkmine mcp: serving %s on http://%s/\n", o.cfg.Out, o.http)
	if err := hs.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("mcp: %w", err)
	}
	return nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
