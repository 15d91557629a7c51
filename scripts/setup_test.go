// Package scripts tests scripts/setup.sh: how a fresh machine gets the
// pinned cfn-lint and moto_server. PyPI is not needed: each test runs the
// real setup.sh from a temporary copy of the repository with a PATH of its
// own, where python3 is a stub whose `-m venv DIR` creates DIR/bin/pip as a
// stub recording its arguments.
package scripts

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pinned is what scripts/test must install: keep in step with setup.sh.
var pinned = []string{"cfn-lint==1.51.0", "moto[server]==5.2.1"}

// sandbox is a temporary copy of the repository's setup with a PATH holding
// only the commands setup.sh needs plus the stubs a test adds.
type sandbox struct {
	t    *testing.T
	root string // the copy: scripts/setup.sh, package-lock.json, node_modules
	bin  string // the whole PATH
	log  string // where stubs record their arguments
	stub string // the pip stub python3 copies into a venv
}

const (
	// stubPython handles `python3 -m venv DIR` as Python does, minus the
	// interpreter: DIR/bin/pip becomes the pip stub. VENV_FAIL makes it fail
	// as Debian's python3 without python3-venv does.
	stubPython = `#!/bin/sh
printf '%s\n' "$@" > "$LOG/python3.args"
if [ -n "$VENV_FAIL" ]; then
  echo "The virtual environment was not successfully created because ensurepip is not available." >&2
  exit 1
fi
[ "$1" = -m ] && [ "$2" = venv ] || { echo "stub python3: unexpected $*" >&2; exit 2; }
mkdir -p "$3/bin"
cp "$STUBS/pip" "$3/bin/pip"
`
	// stubPip records its arguments and, like a successful
	// `pip install cfn-lint moto[server]`, leaves both entry points in the
	// venv's bin. PIP_FAIL makes it fail as pip does without an index.
	stubPip = `#!/bin/sh
printf '%s\n' "$@" > "$LOG/pip.args"
if [ -n "$PIP_FAIL" ]; then
  echo "ERROR: Could not find a version that satisfies the requirement cfn-lint==1.51.0" >&2
  exit 1
fi
bin=$(dirname "$0")
printf '#!/bin/sh\n' > "$bin/cfn-lint"
printf '#!/bin/sh\n' > "$bin/moto_server"
chmod +x "$bin/cfn-lint" "$bin/moto_server"
`
	// stubTool stands for a preinstalled cfn-lint or moto_server.
	stubTool = "#!/bin/sh\n"
)

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	dir := t.TempDir()
	s := &sandbox{t: t, root: filepath.Join(dir, "repo"), bin: filepath.Join(dir, "bin"), log: filepath.Join(dir, "log")}
	stubs := filepath.Join(dir, "stubs")
	s.stub = stubs
	for _, d := range []string{filepath.Join(s.root, "scripts"), filepath.Join(s.root, "node_modules", ".bin"), s.bin, s.log, stubs} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	setup, err := os.ReadFile("setup.sh")
	if err != nil {
		t.Fatal(err)
	}
	s.write(filepath.Join(s.root, "scripts", "setup.sh"), string(setup))
	// node_modules as `npm ci` leaves it, so setup.sh does not run npm.
	lock, err := os.ReadFile(filepath.Join("..", "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	s.write(filepath.Join(s.root, "package-lock.json"), string(lock))
	s.write(filepath.Join(s.root, "node_modules", ".o11yscale-lock.sha256"), hex.EncodeToString(sum[:])+"\n")
	s.exe(filepath.Join(s.root, "node_modules", ".bin", "node"), stubTool)
	s.exe(filepath.Join(s.root, "node_modules", ".bin", "cdk"), stubTool)
	s.exe(filepath.Join(s.bin, "go"), stubTool)
	s.exe(filepath.Join(s.bin, "npm"), "#!/bin/sh\necho 'stub npm: setup.sh must not reinstall node_modules here' >&2\nexit 1\n")
	s.exe(filepath.Join(stubs, "pip"), stubPip)
	// The commands setup.sh and the stubs run; nothing else, so no real
	// python3, cfn-lint or moto_server is reachable.
	for _, name := range []string{"cat", "cut", "sha256sum", "dirname", "mkdir", "cp", "chmod"} {
		path, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s is needed to run setup.sh: %v", name, err)
		}
		if err := os.Symlink(path, filepath.Join(s.bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (s *sandbox) write(path, content string) {
	s.t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *sandbox) exe(path, content string) {
	s.t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		s.t.Fatal(err)
	}
}

// withPython puts the python3 stub on the sandbox's PATH.
func (s *sandbox) withPython() { s.exe(filepath.Join(s.bin, "python3"), stubPython) }

// onPath puts preinstalled stand-ins for the named tools on the PATH.
func (s *sandbox) onPath(tools ...string) {
	for _, tool := range tools {
		s.exe(filepath.Join(s.bin, tool), stubTool)
	}
}

// run sources setup.sh, runs script after it (as scripts/test runs
// setup_python_tools) and returns stdout, stderr and the exit error.
func (s *sandbox) run(script string, env ...string) (string, string, error) {
	s.t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		s.t.Fatal(err)
	}
	cmd := exec.Command(bash, "-c", `source "$0"; `+script, filepath.Join(s.root, "scripts", "setup.sh"))
	cmd.Env = append([]string{"PATH=" + s.bin, "HOME=" + s.root, "LOG=" + s.log, "STUBS=" + s.stub}, env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	return stdout.String(), stderr.String(), err
}

// args returns the arguments a stub recorded, or nil when it never ran.
func (s *sandbox) args(stub string) []string {
	s.t.Helper()
	b, err := os.ReadFile(filepath.Join(s.log, stub+".args"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func (s *sandbox) forget() {
	s.t.Helper()
	for _, stub := range []string{"python3", "pip"} {
		if err := os.Remove(filepath.Join(s.log, stub+".args")); err != nil && !os.IsNotExist(err) {
			s.t.Fatal(err)
		}
	}
}

const whichTools = `setup_python_tools; command -v cfn-lint; command -v moto_server`

func TestSetupInstallsThePinnedToolsIntoTheProjectVenvWhenMissing(t *testing.T) {
	for _, preinstalled := range [][]string{nil, {"cfn-lint"}, {"moto_server"}} {
		t.Run("on PATH: "+strings.Join(preinstalled, ","), func(t *testing.T) {
			s := newSandbox(t)
			s.withPython()
			s.onPath(preinstalled...)
			stdout, stderr, err := s.run(whichTools)
			if err != nil {
				t.Fatalf("setup failed: %v\n%s", err, stderr)
			}
			venv := filepath.Join(s.root, ".venv")
			if got, want := s.args("python3"), []string{"-m", "venv", venv}; !slices.Equal(got, want) {
				t.Errorf("python3 ran with %q, want %q", got, want)
			}
			if got, want := s.args("pip"), append([]string{"install"}, pinned...); !slices.Equal(got, want) {
				t.Errorf(".venv/bin/pip ran with %q, want exactly %q", got, want)
			}
			for _, want := range []string{
				"setup: cfn-lint or moto_server is not on PATH; creating .venv with python3 -m venv",
				"setup: installing cfn-lint==1.51.0 moto[server]==5.2.1 into .venv with .venv/bin/pip",
				"setup: using cfn-lint and moto_server from .venv/bin",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			wantPath := filepath.Join(venv, "bin", "cfn-lint") + "\n" + filepath.Join(venv, "bin", "moto_server") + "\n"
			if stdout != wantPath {
				t.Errorf("after setup the tools resolve to\n%s\nwant the venv's:\n%s", stdout, wantPath)
			}

			// A second run finds the venv complete: nothing installed or printed.
			s.forget()
			stdout, stderr, err = s.run(whichTools)
			if err != nil {
				t.Fatalf("second setup failed: %v\n%s", err, stderr)
			}
			if s.args("python3") != nil || s.args("pip") != nil || stderr != "" {
				t.Errorf("second run reinstalled (python3 %q, pip %q), stderr:\n%s", s.args("python3"), s.args("pip"), stderr)
			}
			if stdout != wantPath {
				t.Errorf("second run: tools resolve to\n%s\nwant\n%s", stdout, wantPath)
			}
		})
	}
}

func TestSetupReinstallsWhenTheVenvWasMadeForOtherPins(t *testing.T) {
	s := newSandbox(t)
	s.withPython()
	if _, stderr, err := s.run(whichTools); err != nil {
		t.Fatalf("setup failed: %v\n%s", err, stderr)
	}
	s.write(filepath.Join(s.root, ".venv", ".o11yscale-requirements"), "cfn-lint==1.0.0 moto[server]==5.0.0\n")
	s.forget()
	if _, stderr, err := s.run(whichTools); err != nil {
		t.Fatalf("setup failed: %v\n%s", err, stderr)
	}
	if got, want := s.args("pip"), append([]string{"install"}, pinned...); !slices.Equal(got, want) {
		t.Errorf("stale venv: pip ran with %q, want %q", got, want)
	}
}

func TestSetupUsesToolsAlreadyOnPathWithoutPython(t *testing.T) {
	s := newSandbox(t)
	s.onPath("cfn-lint", "moto_server")
	stdout, stderr, err := s.run(whichTools)
	if err != nil {
		t.Fatalf("setup failed: %v\n%s", err, stderr)
	}
	if want := filepath.Join(s.bin, "cfn-lint") + "\n" + filepath.Join(s.bin, "moto_server") + "\n"; stdout != want {
		t.Errorf("tools resolve to\n%s\nwant the preinstalled ones:\n%s", stdout, want)
	}
	if stderr != "" {
		t.Errorf("nothing to do, yet setup printed:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(s.root, ".venv")); !os.IsNotExist(err) {
		t.Errorf("created .venv although both tools were on PATH (stat: %v)", err)
	}
}

// scripts/synth sources setup.sh without calling setup_python_tools.
func TestSetupForSynthNeedsNoPython(t *testing.T) {
	s := newSandbox(t)
	_, stderr, err := s.run(`echo ok`)
	if err != nil {
		t.Fatalf("sourcing setup.sh without python3, cfn-lint or moto_server failed: %v\n%s", err, stderr)
	}
	if _, err := os.Stat(filepath.Join(s.root, ".venv")); !os.IsNotExist(err) {
		t.Errorf("sourcing setup.sh created .venv (stat: %v)", err)
	}
}

func TestSetupFailsClearly(t *testing.T) {
	for _, c := range []struct {
		name   string
		python bool
		env    []string
		want   []string
	}{
		{"python3 missing", false, nil, []string{
			"setup: cfn-lint and moto_server are not on PATH, and installing them needs Python 3 with venv: python3 is not on PATH"}},
		{"venv module missing", true, []string{"VENV_FAIL=1"}, []string{
			"ensurepip is not available",
			"setup: 'python3 -m venv .venv' failed; Python 3's venv module is required (Debian/Ubuntu: apt-get install python3-venv)"}},
		{"pip fails", true, []string{"PIP_FAIL=1"}, []string{
			"ERROR: Could not find a version",
			"setup: .venv/bin/pip could not install cfn-lint==1.51.0 moto[server]==5.2.1 (pip needs to reach PyPI or a mirror set with PIP_INDEX_URL)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newSandbox(t)
			if c.python {
				s.withPython()
			}
			stdout, stderr, err := s.run(whichTools+"; echo reached", c.env...)
			if err == nil || strings.Contains(stdout, "reached") {
				t.Fatalf("setup went on (err %v), stdout:\n%s\nstderr:\n%s", err, stdout, stderr)
			}
			for _, want := range c.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if _, err := os.Stat(filepath.Join(s.root, ".venv", ".o11yscale-requirements")); !os.IsNotExist(err) {
				t.Errorf("a failed install marked the venv complete (stat: %v)", err)
			}
		})
	}
}
