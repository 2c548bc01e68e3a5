package hss

import (
	"errors"
	"fmt"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// APIError is a failure reported by an HSS or IAM endpoint.
type APIError struct {
	// Operation names the call, e.g. "GET /v5/{project_id}/image/{image_id}/basic-image".
	Operation  string
	StatusCode int
	ErrorCode  string
	ErrorMsg   string
	RequestID  string
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
	rid := e.RequestID
	if rid == "" {
		rid = "(none returned)"
	}
	fmt.Fprintf(&b, ", request ID %s", rid)
	return b.String()
}

// Hint suggests what to do about well-known failures; empty when there is nothing useful to add.
func (e *APIError) Hint() string {
	switch {
	case e.ErrorCode == "APIGW.0301":
		return "Check access_key/secret_key (HW_ACCESS_KEY/HW_SECRET_KEY), security_token for temporary credentials, and that the machine clock is correct."
	case e.ErrorCode == "APIGW.0307":
		return "The token is invalid or has expired: obtain a new token scoped to the project of this region."
	case e.StatusCode == 401:
		return "The credentials were refused: check the token or user name, password and domain name."
	case e.StatusCode == 403:
		return "The caller lacks permission: check project_id and enterprise_project_id, and the IAM policies granted for HSS."
	case e.StatusCode == 429:
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
	rid := e.RequestID
	if rid == "" {
		rid = "(none returned)"
	}
	return fmt.Sprintf("%s: unreadable response (HTTP %d, request ID %s): %s", e.Operation, e.StatusCode, rid, e.Reason)
}

// fromSDK turns an SDK error into one of this package's types where it can.
func fromSDK(op string, err error) error {
	if err == nil {
		return nil
	}
	var sre *sdkerr.ServiceResponseError
	if errors.As(err, &sre) {
		if sre.StatusCode < 400 {
			return &DecodeError{Operation: op, StatusCode: sre.StatusCode, RequestID: sre.RequestId, Reason: truncate(sre.ErrorMessage, 200)}
		}
		return &APIError{
			Operation:  op,
			StatusCode: sre.StatusCode,
			ErrorCode:  sre.ErrorCode,
			ErrorMsg:   truncate(sre.ErrorMessage, 500),
			RequestID:  sre.RequestId,
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// InterruptedError is an operation stopped by its context (a timeout or cancellation) while a
// request was in flight or waiting to be retried.
type InterruptedError struct {
	// InFlight names the request, e.g. "GET /v5/{project_id}/image/{image_id}/basic-image page 2 (offset 200)".
	InFlight string
	Attempts int
	Err      error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("%s was in flight after %d attempt(s): %v", e.InFlight, e.Attempts, e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }
