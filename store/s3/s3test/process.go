package s3test

import (
	"context"
	"errors"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// ErrNotInstalled is wrapped by Find's error when versitygw is nowhere.
var ErrNotInstalled = errors.New("versitygw not installed")

const (
	binName      = "versitygw"
	healthPath   = "/health"
	startTimeout = 30 * time.Second // a loaded CI machine is slow
	stopTimeout  = 10 * time.Second
	startTries   = 3 // a port taken between picking and binding
)

// Find returns the path of versitygw (see the package doc for where it looks).
func Find() (string, error) {
	if p, err := exec.LookPath(binName); err == nil {
		return p, nil
	}
	var dirs []string
	if tools := os.Getenv("SPARKMINE_TOOLS"); tools != "" {
		dirs = append(dirs, filepath.Join(tools, "bin"))
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			dirs = append(dirs, filepath.Join(d, ".tools", "bin"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	dirs = append(dirs, filepath.Join(gopath(), "bin"))
	for _, d := range dirs {
		p := filepath.Join(d, binName)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w (not on PATH, nor in $SPARKMINE_TOOLS/bin, .tools/bin or $GOPATH/bin)", ErrNotInstalled)
}

// gopath returns the first folder of GOPATH, or Go's default.
func gopath() string {
	if list := filepath.SplitList(os.Getenv("GOPATH")); len(list) > 0 && list[0] != "" {
		return list[0]
	}
	return build.Default.GOPATH
}

// start starts versitygw in a new temporary folder and waits until it
// serves.
func start(ctx context.Context, bin string) (*Server, error) {
	dir, err := os.MkdirTemp("", "sparkmine-s3test-")
	if err != nil {
		return nil, fmt.Errorf("start versitygw: %w", err)
	}
	for try := 1; ; try++ {
		srv, err := startIn(ctx, bin, dir)
		if err == nil || try == startTries {
			if err != nil {
				os.RemoveAll(dir)
			}
			return srv, err
		}
	}
}

// startIn starts versitygw serving dir on a free port.
func startIn(ctx context.Context, bin, dir string) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, fmt.Errorf("start versitygw: %w", err)
	}
	p, err := startProcess(bin, addr, dir)
	if err != nil {
		return nil, fmt.Errorf("start versitygw: %w", err)
	}
	srv := &Server{Endpoint: "http://" + addr, Dir: dir, proc: p}
	if err := p.waitReady(ctx, srv.Endpoint+healthPath); err != nil {
		p.stop()
		return nil, fmt.Errorf("start versitygw on %s: %w\n%s", addr, err, p.out.String())
	}
	srv.client = awss3.New(awss3.Options{
		Region:       Region,
		Credentials:  Credentials(),
		BaseEndpoint: aws.String(srv.Endpoint),
		UsePathStyle: true,
	})
	return srv, nil
}

// freeAddr returns a 127.0.0.1 address with a port free right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Close stops the server and removes its folder.
func (s *Server) Close() error {
	err := s.proc.stop()
	if rmErr := os.RemoveAll(s.Dir); rmErr != nil && err == nil {
		err = rmErr
	}
	if err != nil {
		return fmt.Errorf("stop versitygw at %s: %w", s.Endpoint, err)
	}
	return nil
}

// process is a running versitygw.
type process struct {
	cmd    *exec.Cmd
	out    *tailBuffer
	exited chan struct{} // closed once cmd.Wait returns
	err    error         // cmd.Wait's, once exited
}

func startProcess(bin, addr, dir string) (*process, error) {
	cmd := exec.Command(bin,
		"--access", AccessKey, "--secret", SecretKey, "--region", Region,
		"--port", addr, "--health", healthPath, "--quiet",
		"posix", dir)
	out := &tailBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// waitReady polls url until it answers 200, the process exits, or it is
// too late.
func (p *process) waitReady(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if ok(client, url) {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("exited: %v", p.err)
		case <-ctx.Done():
			return fmt.Errorf("not serving %s: %w", url, ctx.Err())
		case <-tick.C:
		}
	}
}

func ok(client *http.Client, url string) bool {
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stop asks the process to end, kills it if it takes too long, and waits;
// it fails only when the process had ended before it was asked to.
func (p *process) stop() error {
	select {
	case <-p.exited:
		return fmt.Errorf("exited before its time: %v\n%s", p.err, p.out.String())
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.cmd.Process.Kill()
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopTimeout):
		// On a loaded machine versitygw may still be draining idle client
		// connections; the tests are over, so a kill is as good a stop.
		p.cmd.Process.Kill()
		<-p.exited
		fmt.Fprintf(os.Stderr, "s3test: versitygw did not stop within %v of SIGTERM; killed\n", stopTimeout)
		return nil
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
