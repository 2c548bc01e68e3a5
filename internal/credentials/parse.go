package credentials

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"

	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Answers of IAM, STS and the metadata services are read here from their raw bodies, never by
// the SDK's decoder: a decoder's error quotes the bytes around the fault, and next to a
// malformed expiry sit a secret key and a security token that the redactor does not know yet.
// A malformed answer is reported with a fixed reason that names the field, nothing more.

// rawAnswer is what the SDK hands over: the body as it came, and the token header.
type rawAnswer struct {
	Body           *string `json:"body,omitempty"`
	XSubjectToken  *string `json:"X-Subject-Token,omitempty"`
	HttpStatusCode int     `json:"-"`
}

// rawRequestDef is a request whose answer is kept raw; fields are the request's own.
func rawRequestDef(method, path, contentType string, fields ...*def.FieldDef) *def.HttpRequestDef {
	b := def.NewHttpRequestDefBuilder().
		WithMethod(method).
		WithPath(path).
		WithResponse(new(rawAnswer)).
		WithResponseField(def.NewFieldDef().WithName("Body").WithLocationType(def.Body)).
		WithResponseField(def.NewFieldDef().WithName("XSubjectToken").WithJsonTag("X-Subject-Token").WithLocationType(def.Header))
	if contentType != "" {
		b = b.WithContentType(contentType)
	}
	for _, f := range fields {
		b = b.WithRequestField(f)
	}
	return b.Build()
}

// bodyField is a request field sent as the JSON body.
func bodyField() *def.FieldDef { return def.NewFieldDef().WithName("Body").WithLocationType(def.Body) }

// answer is a parsed JSON body, read field by field.
type answer struct {
	kind string // "credential" for answers that carry secrets, for the reason's wording
	root any
	op   string
	last transport.Exchange
}

// readAnswer parses out's body as JSON; kind names what the answer is, e.g. "credential".
func readAnswer(op, kind string, out any, last transport.Exchange) (*answer, *rawAnswer, error) {
	a := &answer{kind: kind, op: op, last: last}
	raw, ok := out.(*rawAnswer)
	if !ok || raw == nil || raw.Body == nil {
		return nil, nil, a.malformed("no body")
	}
	if err := json.Unmarshal([]byte(*raw.Body), &a.root); err != nil {
		return nil, nil, a.malformed("not JSON")
	}
	return a, raw, nil
}

func (a *answer) malformed(what string) error {
	return &transport.DecodeError{Operation: a.op, StatusCode: a.last.Status, RequestID: a.last.RequestID,
		Reason: fmt.Sprintf("malformed %s response: %s", a.kind, what)}
}

// lookup follows a dot-separated path of object keys.
func (a *answer) lookup(path string) (any, bool) {
	v := a.root
	for _, k := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// str is the string at the first of paths present; an absent one is "" unless required.
func (a *answer) str(required bool, paths ...string) (string, error) {
	for _, p := range paths {
		v, ok := a.lookup(p)
		if !ok || v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok || (required && s == "") {
			return "", a.malformed(paths[0] + " missing or of the wrong type")
		}
		return s, nil
	}
	if required {
		return "", a.malformed(paths[0] + " missing or of the wrong type")
	}
	return "", nil
}

// expiry is the time at path: now plus a short while when absent, as some tokens come
// without one, and an error when malformed.
func (a *answer) expiry(path string, now time.Time) (time.Time, error) {
	s, err := a.str(false, path)
	if err != nil || s == "" {
		return now.Add(10 * time.Minute), err
	}
	t, ok := parseExpiry(s)
	if !ok {
		return time.Time{}, a.malformed(path + " is not a time")
	}
	return t, nil
}

// expiryLayouts are the forms of an expiry the SDK reads (core/sdktime): RFC 3339, with or
// without fractional seconds, and a time without a zone, which is UTC. The SDK also takes a
// literal "+08:00" as UTC; here an offset is an offset.
var expiryLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

func parseExpiry(s string) (time.Time, bool) {
	for _, l := range expiryLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// list is the array at path, each element an object.
func (a *answer) list(path string) ([]map[string]any, error) {
	v, ok := a.lookup(path)
	arr, isArr := v.([]any)
	if !ok || !isArr {
		return nil, a.malformed(path + " missing or of the wrong type")
	}
	out := make([]map[string]any, len(arr))
	for i, e := range arr {
		if out[i], ok = e.(map[string]any); !ok {
			return nil, a.malformed(fmt.Sprintf("%s[%d] is not an object", path, i))
		}
	}
	return out, nil
}

// keys reads temporary keys at container (e.g. "credential"), under either the IAM names or
// the camel-case ones the SDK also accepts.
func (a *answer) keys(container string) (*tempKeys, error) {
	access, err := a.str(true, container+".access", container+".accessKeyId", container+".access_key_id")
	if err != nil {
		return nil, err
	}
	secret, err := a.str(true, container+".secret", container+".secretAccessKey", container+".secret_access_key")
	if err != nil {
		return nil, err
	}
	token, err := a.str(true, container+".securitytoken", container+".securityToken", container+".security_token")
	if err != nil {
		return nil, err
	}
	expires, err := a.str(true, container+".expires_at", container+".expiration")
	if err != nil {
		return nil, err
	}
	t, ok := parseExpiry(expires)
	if !ok {
		return nil, a.malformed(container + ".expires_at is not a time")
	}
	return &tempKeys{access: access, secret: secret, securityToken: token, expiresAt: t}, nil
}

// jsonContent is the content type of IAM's JSON requests.
const jsonContent = "application/json;charset=UTF-8"
