#r "nuget: Corgi.FSharp"
open Corgi.FSharp

let f (x: Tensor) = Tensor.sum (x * x)
let x = tensor [ 1.; 2.; 3. ]
printfn "%O" (grad f x)    // tensor([2., 4., 6.])
