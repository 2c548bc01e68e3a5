package hss

import "sort"

// Memory is counted as the Go heap holds it, so the bounds on a read and on the results kept
// are bounds on real memory: an entry is its struct plus, for each string, the allocation the
// runtime makes for it, rounded up to its size class.

// sizeClasses are the Go runtime's small allocation sizes (runtime/sizeclasses.go).
var sizeClasses = []int{8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384,
	416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096,
	4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760,
	24576, 27264, 28672, 32768}

// heapString is what a string of n bytes occupies on the heap, its header aside.
func heapString(s string) int {
	n := len(s)
	switch {
	case n == 0:
		return 0
	case n > sizeClasses[len(sizeClasses)-1]:
		return (n + 8191) / 8192 * 8192
	}
	return sizeClasses[sort.SearchInts(sizeClasses, n)]
}
