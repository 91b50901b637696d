//go:build cgo

package main

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/sparkmine/sparkmine/store/s3/s3test"
)

// serve runs the mcp command's code with args until ctx ends or stdin
// closes; its error arrives on the channel.
func serve(t *testing.T, ctx context.Context, args []string, stdin io.Reader, stdout io.WriteCloser) <-chan error {
	t.Helper()
	o, err := parseMCP(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		err := runMCP(ctx, o, stdin, stdout, io.Discard)
		stdout.Close()
		done <- err
	}()
	return done
}

func listApps(t *testing.T, cs *mcp.ClientSession) int {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "list_apps", Arguments: map[string]any{"limit": 1000}})
	if err != nil || res.IsError {
		t.Fatalf("list_apps: %v %+v", err, res)
	}
	return len(res.StructuredContent.(map[string]any)["rows"].([]any))
}

// TestMCPCommand: `sparkmine mcp` serves a local dataset over stdio and an
// S3 one (mirrored into its cache) over loopback HTTP, to the SDK's client;
// both list the apps the run wrote. A non-loopback --http is refused.
func TestMCPCommand(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out := t.TempDir()
	if code, _, stderr := sparkmine(t, "run", "--out", out); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	apps, _ := filepath.Glob(filepath.Join(out, "apps", "dt=*", "*.parquet"))
	if len(apps) == 0 {
		t.Fatal("no apps written")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "v0"}, nil)

	// stdio: the command's own runMCP between two pipes, as an agent runs it
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	served := serve(t, ctx, []string{"--out", out}, inR, outW)
	cs, err := client.Connect(ctx, &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		t.Fatal(err)
	}
	local := listApps(t, cs)
	cs.Close()
	if err := <-served; err != nil {
		t.Errorf("stdio server after the client left: %v", err)
	}
	if local == 0 {
		t.Fatal("stdio: no apps listed")
	}

	srv := s3test.Shared(t)
	bucket := srv.NewBucket(t)
	uploadTree(t, srv.Store(t, bucket, "ds/"), "", out)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	srv.Setenv(t)
	hctx, stop := context.WithCancel(ctx)
	served = serve(t, hctx, []string{"--out", "s3://" + bucket + "/ds/", "--s3-path-style", "--http", addr, "--cache", t.TempDir()}, strings.NewReader(""), nopWriteCloser{io.Discard})
	defer func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("HTTP server stopped with %v", err)
		}
	}()
	for i := 0; ; i++ {
		cs, err = client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: "http://" + addr + "/"}, nil)
		if err == nil {
			break
		}
		if i == 100 {
			t.Fatalf("connect over HTTP: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	defer cs.Close()
	if n := listApps(t, cs); n != local {
		t.Errorf("HTTP over the S3 dataset lists %d apps, stdio over the folder %d", n, local)
	}

	if code, _, stderr := sparkmine(t, "mcp", "--out", out, "--http", "0.0.0.0:8765"); code != 2 {
		t.Errorf("--http 0.0.0.0: exit %d, want 2\n%s", code, stderr)
	}
}
