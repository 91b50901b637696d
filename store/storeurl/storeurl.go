// Package storeurl opens a store.Store from the location a user writes:
// s3://bucket/prefix/ (s3a:// and s3n://, as Spark writes them, mean the
// same), file:///path, or a plain folder path.
//
//	src, err := storeurl.Open(ctx, "s3://bucket/spark-logs/", storeurl.Options{})
//	out, err := storeurl.Open(ctx, "./sparkmine-out", storeurl.Options{Create: true})
//
// It lives apart from package store because it imports both backends, which
// import store.
package storeurl

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/s3"
)

// Options tune how Open reaches a store. The zero value is right for AWS
// and existing folders.
type Options struct {
	Endpoint  string // S3-compatible store URL (else AWS_ENDPOINT_URL_S3, else AWS)
	PathStyle bool   // path-style S3 addressing, as most S3-compatible stores need
	Region    string // S3 region (else AWS_REGION or the profile's, else us-east-1)
	Create    bool   // create a missing local folder (for an output root)
}

// Location is a parsed store URL.
type Location struct {
	Scheme string // "s3" or "file"
	Bucket string // s3: the bucket
	Prefix string // s3: the key prefix, "" or ending in '/'
	Path   string // file: the folder, in the OS's form
}

// String returns the location as a URL (s3://…) or a path.
func (l Location) String() string {
	if l.Scheme == "s3" {
		return "s3://" + l.Bucket + "/" + l.Prefix
	}
	return l.Path
}

// Open parses raw and opens the store there. An S3 store is not contacted
// until used; a local folder must exist unless opts.Create is set.
func Open(ctx context.Context, raw string, opts Options) (store.Store, error) {
	loc, err := Parse(raw)
	if err != nil {
		return nil, err
	}
	if loc.Scheme == "file" {
		return openLocal(loc.Path, opts.Create)
	}
	return s3.New(ctx, s3.Config{
		Bucket:    loc.Bucket,
		Prefix:    loc.Prefix,
		Region:    opts.Region,
		Endpoint:  opts.Endpoint,
		PathStyle: opts.PathStyle,
	})
}

func openLocal(dir string, create bool) (store.Store, error) {
	if create {
		return local.Create(dir)
	}
	return local.New(dir)
}

// Parse parses a store location without opening it.
func Parse(raw string) (Location, error) {
	if raw == "" {
		return Location{}, fmt.Errorf("store location: empty")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || len(scheme) < 2 { // a path, maybe C:\… on Windows
		return Location{Scheme: "file", Path: filepath.Clean(raw)}, nil
	}
	switch strings.ToLower(scheme) {
	case "s3", "s3a", "s3n":
		return parseS3(raw, rest)
	case "file":
		return parseFile(raw)
	}
	return Location{}, fmt.Errorf("store location %q: unsupported scheme %q (want s3://, file:// or a path)", raw, scheme)
}

// parseS3 parses bucket/prefix from an s3:// URL, literally as the AWS CLI
// does ('?', '#' and '%' are part of the prefix).
func parseS3(raw, rest string) (Location, error) {
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Location{}, fmt.Errorf("store location %q: no bucket", raw)
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if err := store.CheckPrefix(prefix); err != nil {
		return Location{}, fmt.Errorf("store location %q: %w", raw, err)
	}
	return Location{Scheme: "s3", Bucket: bucket, Prefix: prefix}, nil
}

// parseFile parses a file:// URL, which names a local absolute path.
func parseFile(raw string) (Location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Location{}, fmt.Errorf("store location: %w", err)
	}
	if u.Host != "" && u.Host != "localhost" {
		return Location{}, fmt.Errorf("store location %q: file URL of another host", raw)
	}
	if u.Path == "" {
		return Location{}, fmt.Errorf("store location %q: no path", raw)
	}
	return Location{Scheme: "file", Path: filepath.Clean(filepath.FromSlash(u.Path))}, nil
}
