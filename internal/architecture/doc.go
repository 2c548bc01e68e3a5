// Package architecture holds the tests that keep the code's layout as DESIGN.md draws it:
// imports run one way, and no package outgrows one job.
package architecture
