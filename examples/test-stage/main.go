package main

import "fmt"

var env = "development"

func main() { fmt.Println(message()) }

func message() string { return "built for " + env }
