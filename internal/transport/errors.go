package transport

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
)

// APIError is a failure reported by an HSS or IAM endpoint.
type APIError struct {
	// Operation names the call, as the API page writes it, e.g. "GET /v3/projects".
	Operation  string
	StatusCode int
	ErrorCode  string
	ErrorMsg   string
	RequestID  string
	// TraceID is IAM's X-IAM-Trace-Id, which IAM support asks for.
	TraceID string
	// EncodedAuthorizationMessage comes with a denial by an IAM v5 policy: decoded, it names
	// the policy that denied the request. It is not a secret.
	EncodedAuthorizationMessage string
	// hints are the operation's own, by error code.
	hints map[string]string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Operation, e.StatusCode)
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, ", error_code %s", e.ErrorCode)
	}
	if e.ErrorMsg != "" {
		fmt.Fprintf(&b, ", error_msg %q", e.ErrorMsg)
	}
	fmt.Fprintf(&b, ", request ID %s", termsafe.OrNone(e.RequestID))
	if e.TraceID != "" {
		fmt.Fprintf(&b, ", IAM trace ID %s", e.TraceID)
	}
	if e.EncodedAuthorizationMessage != "" {
		fmt.Fprintf(&b, ", encoded_authorization_message %s", e.EncodedAuthorizationMessage)
	}
	return b.String()
}

// MaxEncodedAuthorizationMessage bounds the encoded_authorization_message shown: IAM's are a
// few hundred bytes of base64, and a longer one is cut, marked with "…".
const MaxEncodedAuthorizationMessage = 4096

// Hint suggests what to do about well-known failures, keyed on the API's error code first,
// since HSS answers access and permission problems with HTTP 400; empty when there is nothing
// useful to add.
func (e *APIError) Hint() string {
	h := e.hint()
	if e.EncodedAuthorizationMessage == "" {
		return h
	}
	decode := "An IAM policy denied the request: decode its encoded_authorization_message with STS's DecodeAuthorizationMessage " +
		"(POST /v5/decode-authorization-message) to learn which policy denied it: " + e.EncodedAuthorizationMessage
	if h == "" {
		return decode
	}
	return h + " " + decode
}

func (e *APIError) hint() string {
	if h, ok := e.hints[e.ErrorCode]; ok {
		return h
	}
	switch e.ErrorCode {
	case "APIGW.0301":
		return "The API gateway refused the signature: check access_key/secret_key (HW_ACCESS_KEY/HW_SECRET_KEY), security_token for temporary credentials, and that the machine clock is correct."
	case "APIGW.0307":
		return "The token is invalid or has expired: obtain a new token scoped to the project of this region, or use a method the provider renews itself (password, agency, OIDC, ECS metadata)."
	case "APIGW.0308":
		return "The API gateway is throttling this account; the provider retried with back-off. Retry later, raise max_retries, or lower rate_limit."
	case "HSS.0010":
		return "HSS denied access: check that project_id belongs to the account of these credentials (or of the assumed agency), and that the IAM user, agency or federated user holds an HSS policy, such as HSS ReadOnlyAccess, in this region."
	case "HSS.0011":
		return "HSS found no such resource: check the identifiers of the query, and that enterprise_project_id names an existing enterprise project."
	case "HSS.0013":
		return "The caller lacks HSS permission for this request: grant an HSS read policy (for example HSS ReadOnlyAccess) for the enterprise project in enterprise_project_id, or query one the caller is granted."
	}
	switch e.StatusCode {
	case 401:
		return "The credentials were refused: check the token or user name, password and domain name."
	case 403:
		return "The caller lacks permission: check project_id and enterprise_project_id, and the IAM policies granted for HSS."
	case 429:
		return "The API is throttling requests; retry later or lower the request rate."
	}
	return ""
}

// DecodeError is a response the client could not understand.
type DecodeError struct {
	Operation  string
	StatusCode int
	RequestID  string
	Reason     string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s: unreadable response (HTTP %d, request ID %s): %s", e.Operation, e.StatusCode, termsafe.OrNone(e.RequestID), e.Reason)
}

// StatusError is an answer with a status other than the one the operation succeeds with and
// below 400: a redirect, or a 2xx that is not the API's. It is never read as a result, and
// redirects are never followed, so credentials never travel to another host.
type StatusError struct {
	Operation  string
	StatusCode int
	Want       int
	// LocationHost is the host a redirect pointed to, if any.
	LocationHost string
	RequestID    string
}

func (e *StatusError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: unexpected HTTP %d (only %d is a result)", e.Operation, e.StatusCode, e.Want)
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		if e.LocationHost != "" {
			fmt.Fprintf(&b, "; the answer redirects to host %q, which is not followed", e.LocationHost)
		} else {
			b.WriteString("; the redirect is not followed")
		}
	}
	fmt.Fprintf(&b, ", request ID %s", termsafe.OrNone(e.RequestID))
	return b.String()
}

// Hint suggests what a status error usually means.
func (e *StatusError) Hint() string {
	if e.StatusCode >= 300 && e.StatusCode < 400 {
		return "A proxy, gateway or a wrong endpoint answered instead of the API. Check endpoints, auth_url, cloud and any HTTP proxy (HTTPS_PROXY) in between."
	}
	return "Something between the provider and the API (a proxy or gateway) answered in its place. Check endpoints and any HTTP proxy in between."
}

// RetryError is the last failure of a request that was retried until max_retries ran out,
// or that was not retried again because the client's retry budget is spent (Paused).
type RetryError struct {
	Attempts int
	// Paused is set when the retry budget, not max_retries, stopped the request.
	Paused bool
	Err    error
}

func (e *RetryError) Error() string {
	if e.Paused {
		return fmt.Sprintf("%s (not retried: retries are paused because the service kept failing; %d attempt(s))", e.Err, e.Attempts)
	}
	return e.Err.Error() + " (gave up after " + strconv.Itoa(e.Attempts) + " attempts)"
}

func (e *RetryError) Unwrap() error { return e.Err }

// UnresolvedHostError is a host name that does not resolve (NXDOMAIN): no retry can fix it, so
// none is made, and the error says which configuration made the host.
type UnresolvedHostError struct {
	Operation string
	Host      string
	// Origin names the argument the host comes from, e.g. `region "cn-north4" ...; did you
	// mean "cn-north-4"?` or "endpoints.hss".
	Origin string
}

func (e *UnresolvedHostError) Error() string {
	return fmt.Sprintf("%s: the host %s does not resolve (no such host); it is made from %s", e.Operation, e.Host, e.Origin)
}

// AttemptTimeoutError is one HTTP Exchange that got no complete answer within the
// client's per-attempt limit. It is retried like a broken connection.
type AttemptTimeoutError struct {
	Request string
	Limit   time.Duration
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("%s got no complete answer within %s", e.Request, e.Limit)
}

// InterruptedError is an operation stopped by its context (a timeout or cancellation) while a
// request was in flight, waiting to be retried, or waiting for the rate limiter.
type InterruptedError struct {
	// Request names the request, with the page for list calls: "<operation> page 2 (offset 200)".
	Request string
	// Attempts is how many times the request was sent.
	Attempts int
	// Waiting says what the request was waiting for when it was stopped, if not an answer:
	// "rate limit" or "retry".
	Waiting string
	Err     error
}

func (e *InterruptedError) Error() string {
	switch e.Waiting {
	case WaitingRateLimit:
		return fmt.Sprintf("%s was waiting for the client-side rate limit after %d attempt(s): %v", e.Request, e.Attempts, e.Err)
	case WaitingRetry:
		return fmt.Sprintf("%s was waiting to be retried after %d attempt(s): %v", e.Request, e.Attempts, e.Err)
	case WaitingHost:
		return fmt.Sprintf("%s was waiting for its host to accept connections after %d attempt(s): %v", e.Request, e.Attempts, e.Err)
	}
	return fmt.Sprintf("%s was in flight after %d attempt(s): %v", e.Request, e.Attempts, e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// What an interrupted request was waiting for.
const (
	WaitingRateLimit = "rate limit"
	WaitingRetry     = "retry"
	// WaitingHost is a host that refuses connections (see UnreachableError).
	WaitingHost = "host"
)

// fromSDK turns an SDK error into one of this package's types where it can, with anything the
// server said passed through r.
func fromSDK(op string, err error, r *redact.Redactor) error {
	var sre *sdkerr.ServiceResponseError
	if errors.As(err, &sre) {
		if sre.StatusCode < 400 {
			return &DecodeError{Operation: op, StatusCode: sre.StatusCode, RequestID: termsafe.RequestID(sre.RequestId), Reason: termsafe.Text(r.Redact(sre.ErrorMessage), 200)}
		}
		code, msg := sre.ErrorCode, sre.ErrorMessage
		if code == "" {
			// The SDK takes a code only from string pairs; msg is then the whole body.
			if c, m, ok := errorFields(msg); ok {
				code, msg = c, m
			}
		}
		return &APIError{
			Operation:  op,
			StatusCode: sre.StatusCode,
			// Redacted before it is cut, so no prefix of a secret survives the cut.
			ErrorCode: termsafe.Text(r.Redact(code), 64),
			ErrorMsg:  termsafe.Text(r.Redact(msg), 500),
			RequestID: termsafe.RequestID(sre.RequestId),
			// As the SDK reads it, from the object that holds the error.
			EncodedAuthorizationMessage: termsafe.Text(r.Redact(sre.EncodedAuthorizationMessage), MaxEncodedAuthorizationMessage),
		}
	}
	var se *StatusError
	var te *AttemptTimeoutError
	if errors.As(err, &se) || errors.As(err, &te) {
		return err
	}
	return fmt.Errorf("%s: %w", op, r.RedactError(err))
}

// errorFields finds an error's code and message in the bodies the SDK reads no code from:
// HSS's {"error_code": "…", "error_description": "…"}, Keystone's {"error": {"code": 401,
// "message": "…", "title": "…"}}, and numeric codes beside error_msg. The object itself is
// searched first, then the objects it holds, in key order, two levels deep.
func errorFields(body string) (code, msg string, ok bool) {
	var root map[string]any
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	if d.Decode(&root) != nil {
		return "", "", false
	}
	return findErrorFields(root, 0)
}

func findErrorFields(m map[string]any, depth int) (code, msg string, ok bool) {
	text := func(keys ...string) string {
		for _, k := range keys {
			switch v := m[k].(type) {
			case string:
				if v != "" {
					return v
				}
			case json.Number:
				if _, err := v.Int64(); err == nil {
					return v.String()
				}
			}
		}
		return ""
	}
	code = text("error_code", "code")
	msg = text("error_msg", "message", "error_description", "error_message")
	if code != "" && msg != "" {
		return code, msg, true
	}
	if depth >= 2 {
		return "", "", false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if sub, isObj := m[k].(map[string]any); isObj {
			if code, msg, ok = findErrorFields(sub, depth+1); ok {
				return code, msg, true
			}
		}
	}
	return "", "", false
}
