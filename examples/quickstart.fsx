// Corgi quickstart for F# Interactive: tensors from literals, printing, pipelines, the seed's
// dynamic-graph example, operators, and grad.
//
// Run:  bash scripts/run-fsx-examples.sh            (packs into artifacts/, then runs every example)
//   or: bash scripts/pack.sh && dotnet fsi examples/quickstart.fsx
// The package comes from artifacts/ through examples/nuget.config. From a script elsewhere, write
//   #i "nuget: /absolute/path/to/artifacts"      (a relative path is refused by F# Interactive)
// before the #r line. Typed into `dotnet fsi`, tensors echo without set-up (docs/fsharp.md, "Printing").
#r "nuget: Corgi.FSharp"

open Corgi.FSharp

/// Stops the script with a non-zero exit code when a result is wrong.
let expect (what: string) (ok: bool) =
    if not ok then invalidOp (sprintf "quickstart: %s" what)
    printfn "  ok: %s" what

// ---------------------------------------------------------------- 1. tensors from F# literals
printfn "1. Tensors from literals"
let v = tensor [ 1.; 2.; 3. ]
let m = tensor [ [ 1.; 2. ]; [ 3.; 4. ] ]
let cube = tensor [ [ [ 1; 2 ]; [ 3; 4 ] ]; [ [ 5; 6 ]; [ 7; 8 ] ] ] // ints are fine
Tensor.print v
Tensor.print m
Tensor.print cube
printfn "  the core's ToString (what %%A and %%O show):\n%O" m
expect "shape of a 3-level list" (Tensor.shape cube = [ 2; 2; 2 ])
try
    tensor [ [ 1.; 2. ]; [ 3. ] ] |> ignore
    expect "a ragged literal is refused" false
with :? System.ArgumentException as e ->
    printfn "  ragged input: %s" e.Message
    expect "a ragged literal is refused" (e.Message.Contains "ragged")

// ---------------------------------------------------------------- 2. the seed's dynamic graph
printfn "2. The seed's dynamic-graph example"
let a = tensor [ 5.0 ] |> Tensor.tracked
let b = tensor [ 2.0 ] |> Tensor.tracked
let mutable c = tensor [ 0.0 ] |> Tensor.tracked
for _ in 1..10 do
    c <- c + a * b
    if c.[0] > 50.0 then c <- c * a // the graph depends on the values: dynamic
Tensor.print c
Tensor.backward c
let gradOf t = Tensor.gradient t |> Option.map Tensor.item
printfn "  dc/da = %A, dc/db = %A, dc/dc = %A" (gradOf a) (gradOf b) (gradOf c)
expect "c = 195300" (Tensor.item c = 195300.0)
expect "gradients 1, 97650, 232420" (gradOf c = Some 1.0 && gradOf b = Some 97650.0 && gradOf a = Some 232420.0)
expect "an untracked tensor has no gradient (an option, not null)" (Tensor.gradient (tensor 1.0) = None)

// ---------------------------------------------------------------- 3. pipelines
printfn "3. Pipelines (data-last functions)"
let x = Tensor.randn 0 [ 4; 3 ]
let w = Tensor.randn 1 [ 3; 2 ]
let bias = tensor [ 0.1; -0.1 ]
let out = x |> Tensor.matmul w |> Tensor.add bias |> Tensor.relu |> Tensor.softmax -1
Tensor.print out
let rowSums = out |> Tensor.sumDim 1
expect "softmax rows sum to 1" (Tensor.allClose (Tensor.ones [ 4 ]) rowSums)
// data-last binary functions: `x |> Tensor.sub y` is x - y
expect "Tensor.sub y x = x - y" (tensor [ 5. ] |> Tensor.sub (tensor [ 2. ]) |> Tensor.item = 3.)

// ---------------------------------------------------------------- 4. operators
printfn "4. Operators, with scalars on either side"
let ops = [ "m + 1.0", m + 1.0; "2.0 * m", 2.0 * m; "1.0 - m", 1.0 - m; "m / m", m / m; "m ** 2.0", m ** 2.0; "-m", -m; "exp m", exp m ]
for name, t in ops do
    printfn "  %-9s = %s" name (Tensor.format t)
expect "m ** 2.0 = m * m" (Tensor.equal (m * m) (m ** 2.0))

// ---------------------------------------------------------------- 5. functional differentiation
printfn "5. grad, hessian, diff"
let f (x: Tensor) = Tensor.sum (x ** 3.0) // f = sum x^3, grad = 3x^2, Hessian = diag(6x)
let g = grad f v
let h = hessian f v
Tensor.print g
Tensor.print h
expect "grad sum(x^3) = 3x^2" (Tensor.allClose (tensor [ 3.; 12.; 27. ]) g)
expect "hessian sum(x^3) = diag(6x)" (Tensor.allClose (tensor [ [ 6.; 0.; 0. ]; [ 0.; 12.; 0. ]; [ 0.; 0.; 18. ] ]) h)
expect "d/dx x^3 at 2 = 12" (diff (fun x -> x ** 3.0) (tensor 2.0) |> Tensor.item = 12.0)
expect "nested grad = 6x" (Tensor.allClose (tensor [ 6.; 12.; 18. ]) (grad (fun x -> grad f x |> Tensor.sum) v))
expect "grad leaves no gradient on its argument" (Tensor.gradient v = None)
printfn "quickstart: all checks passed"
