// Package redact keeps secrets out of everything the provider shows or logs.
package redact

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
)

// Redacted replaces every secret in text the provider shows or logs.
const Redacted = "***"

// minSecretLen keeps tiny values (a one-letter test password, say) from blanking out text.
const minSecretLen = 4

// recentSignatures is how many request signatures are remembered: a server can only quote the
// header of a request it is answering, which is always among the latest.
const recentSignatures = 256

// Redactor removes secrets from text: every secret value the client was configured with or
// obtained (tokens, temporary keys), the signatures of its latest requests, and the
// value of any credential-bearing header or field a server quotes back, known or not. Every
// log line and every error the client produces passes through it, and the provider passes
// every diagnostic through it, because a server or proxy can echo what it received.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is replaced whole
	recent  []string // ring of request signatures
	next    int
	// obtained is a ring of tokens and keys the client obtained; the oldest, long replaced,
	// make way.
	obtained     []string
	nextObtained int
	// ordered is secrets and obtained together, longest first: one that contains another is
	// replaced whole, whichever list each is in.
	ordered []string
}

// reorder rebuilds ordered; r.mu is held.
func (r *Redactor) reorder() {
	r.ordered = append(append(r.ordered[:0], r.secrets...), r.obtained...)
	slices.SortStableFunc(r.ordered, func(a, b string) int { return len(b) - len(a) })
}

// maxObtained bounds the obtained secrets remembered: a run renews credentials a handful of
// times an hour.
const maxObtained = 256

// Add makes r replace each of secrets from now on.
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= minSecretLen && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	r.reorder()
}

// AddObtained makes r replace each of secrets, which the client obtained, from now on; only
// the latest maxObtained are kept.
func (r *Redactor) AddObtained(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) < minSecretLen || slices.Contains(r.obtained, s) {
			continue
		}
		if len(r.obtained) < maxObtained {
			r.obtained = append(r.obtained, s)
			continue
		}
		r.obtained[r.nextObtained] = s
		r.nextObtained = (r.nextObtained + 1) % maxObtained
	}
	r.reorder()
}

// AddSigned remembers the signature of a request that is about to be sent: the rest of an
// Authorization value (algorithm, access key, header names) is no secret.
func (r *Redactor) AddSigned(v string) {
	if i := strings.LastIndex(v, "Signature="); i >= 0 {
		v = v[i+len("Signature="):]
	}
	if len(v) < minSecretLen {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.recent) < recentSignatures {
		r.recent = append(r.recent, v)
		return
	}
	r.recent[r.next] = v
	r.next = (r.next + 1) % recentSignatures
}

// Credential-bearing fields, however a server quotes them: as a header line, as JSON, or as a
// query or form parameter. Only the value goes, so the rest of the message still helps.
var (
	tokenHeaderValue = regexp.MustCompile(`(?i)\b(x-auth-token|x-security-token|x-subject-token)(\\?["']?\s*[:=]\s*\\?["']?)([^\s;,"'\\\])}]+)`)
	authScheme       = regexp.MustCompile(`(?i)\b(bearer|basic|negotiate)(\s+)([A-Za-z0-9._~+/=-]{8,})`)
	signatureField   = regexp.MustCompile(`(?i)\b(Signature=)()([0-9a-f]{16,})`)
	jsonSecretField  = regexp.MustCompile(`(?i)(\\?"(?:password|secret|secret_key|secretkey|sk|securitytoken|security_token|token|id_token|access_token)\\?"\s*:\s*\\?")((?:[^"\\]|\\[^"])*)(\\?")`)
	paramSecretField = regexp.MustCompile(`(?i)\b(password|secret_key|security_token|securitytoken|access_token|id_token)(=)([^&\s"']+)`)
	urlUserInfo      = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)()[^\s/?#@"']+@`)
)

// Redact returns s with every secret replaced by Redacted.
func (r *Redactor) Redact(s string) string {
	if s == "" {
		return s
	}
	if r != nil {
		r.mu.RLock()
		for _, v := range r.recent {
			s = strings.ReplaceAll(s, v, Redacted)
		}
		for _, v := range r.ordered {
			s = strings.ReplaceAll(s, v, Redacted)
		}
		r.mu.RUnlock()
	}
	for _, re := range []*regexp.Regexp{tokenHeaderValue, authScheme, signatureField, paramSecretField} {
		s = re.ReplaceAllString(s, "${1}${2}"+Redacted)
	}
	s = urlUserInfo.ReplaceAllString(s, "${1}"+Redacted+"@")
	return jsonSecretField.ReplaceAllString(s, "${1}"+Redacted+"${3}")
}

// maxErrorText bounds an error's message: a library's error can quote what a server sent,
// a 50 KB header line say.
const maxErrorText = 4096

// RedactError returns err with a redacted message, safe to print and bounded; errors.As and
// errors.Is still see the original chain, whose typed fields were redacted when they were
// built.
func (r *Redactor) RedactError(err error) error {
	if err == nil {
		return nil
	}
	msg := termsafe.Text(r.Redact(err.Error()), maxErrorText)
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// log writes one line through tflog with every string field redacted; the provider's client
// logs through nothing else.
func (r *Redactor) log(ctx context.Context, level func(context.Context, string, ...map[string]any), msg string, fields map[string]any) {
	for k, v := range fields {
		switch s := v.(type) {
		case string:
			fields[k] = redactedText{r, s}
		case error:
			fields[k] = redactedText{r, s.Error()}
		}
	}
	level(ctx, msg, fields)
}

// redactedText is a log field redacted when, and only if, the line is written: most debug
// lines are not, and redacting every field of every request cost a tenth of a read's CPU.
type redactedText struct {
	r *Redactor
	s string
}

func (t redactedText) String() string { return t.r.Redact(t.s) }

// MarshalJSON writes the field as the JSON string of its redacted text, as the plugin's JSON
// log lines carry it.
func (t redactedText) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// Debug, Warn and Info log msg at their level with every string and error field redacted.
func (r *Redactor) Debug(ctx context.Context, msg string, fields map[string]any) {
	r.log(ctx, tflog.Debug, msg, fields)
}

func (r *Redactor) Warn(ctx context.Context, msg string, fields map[string]any) {
	r.log(ctx, tflog.Warn, msg, fields)
}

func (r *Redactor) Info(ctx context.Context, msg string, fields map[string]any) {
	r.log(ctx, tflog.Info, msg, fields)
}

// URL hides the user information of a URL, parseable or not, so a password written into
// an endpoint ("https://admin:secret@iam.example.com") never reaches a message.
func URL(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "", s
	} else {
		scheme += "://"
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return scheme + Redacted + rest[at:]
	}
	return s
}
