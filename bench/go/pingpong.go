// Go's channel and select ping-pong, the peer of bench/guest/select.ts and bench/guest/channel.ts, compiled with
// GOOS=js GOARCH=wasm and run in Node (bench/baselines/go.js). Two goroutines bounce a number over two channels of
// capacity 1, n round trips (2n one-way hand-offs); in "select" mode every receive is a 2-way select (the channel
// and a quit channel that never gets a message), as in the vthreads guest. Prints the ns per one-way hand-off,
// measured around the ping-pong only, and checks every message.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	mode := os.Args[1]
	n, _ := strconv.Atoi(os.Args[2])
	ping := make(chan int64, 1)
	pong := make(chan int64, 1)
	quit := make(chan int64, 1)
	done := make(chan int64)
	bad := 0
	start := time.Now()
	go func() { // ponger
		var acc, expect int64
		for {
			var v int64
			var ok bool
			if mode == "select" {
				select {
				case v, ok = <-ping:
				case <-quit:
					bad++
				}
			} else {
				v, ok = <-ping
			}
			if !ok {
				break
			}
			if v != expect {
				bad++
			}
			expect++
			acc += v
			pong <- v + 1
		}
		done <- acc
	}()
	var acc int64
	for i := int64(0); i < int64(n); i++ {
		ping <- i
		var v int64
		if mode == "select" {
			select {
			case v = <-pong:
			case <-quit:
				bad++
			}
		} else {
			v = <-pong
		}
		if v != i+1 {
			bad++
		}
		acc += v
	}
	close(ping)
	acc += <-done
	elapsed := time.Since(start)
	if bad != 0 || acc != int64(n)*int64(n) {
		fmt.Printf("error: %d bad messages, sum %d (expected %d)\n", bad, acc, int64(n)*int64(n))
		os.Exit(1)
	}
	fmt.Printf("%.3f\n", float64(elapsed.Nanoseconds())/float64(2*n))
}
