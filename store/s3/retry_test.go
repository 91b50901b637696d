package s3_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	sparks3 "github.com/sparkmine/sparkmine/store/s3"
)

// TestPutRetriesExistingObjectIsDirectory: a POSIX-backed S3-compatible
// store answers a put racing a delete that pruned the folder with 409
// ExistingObjectIsDirectory; the put is retried, and succeeds.
func TestPutRetriesExistingObjectIsDirectory(t *testing.T) {
	var puts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		if puts.Add(1) == 1 {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusConflict)
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExistingObjectIsDirectory</Code><Message>Existing Object is a directory.</Message></Error>`))
			return
		}
		w.Header().Set("ETag", `"abc"`)
	}))
	defer srv.Close()
	st, err := sparks3.New(context.Background(), sparks3.Config{
		Bucket: "b", Endpoint: srv.URL, PathStyle: true, Region: "us-east-1",
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("k", "s", "")),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(context.Background(), "c/0/k", bytes.NewReader([]byte("data"))); err != nil {
		t.Fatalf("put: %v", err)
	}
	if n := puts.Load(); n != 2 {
		t.Errorf("%d PUT requests, want 2 (one retry)", n)
	}
}
