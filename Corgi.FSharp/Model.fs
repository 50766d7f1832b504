namespace Corgi.FSharp

open System
open Corgi
open Corgi.NN

/// A cost (loss) function of a model's output and a target, returning a scalar (<c>Corgi.NN.Cost</c>).
type Cost = Corgi.NN.Cost

/// <summary>
/// A model (<c>Corgi.NN.Model</c>): layers, an optimizer and a cost. Build one with <c>Model.create</c> and
/// use the <c>Model</c> module, whose functions take the model last: <c>model |&gt; Model.fit options (x, y)</c>.
/// </summary>
type Model = Corgi.NN.Model

/// A progress report of <c>Model.fitWith</c> (<c>Corgi.NN.TrainingProgress</c>): epoch, step, losses, throughput.
type TrainingProgress = Corgi.NN.TrainingProgress

/// <summary>
/// Costs as values: <c>Cost.mse</c>, <c>Cost.crossEntropy</c> (on probabilities), <c>Cost.softmaxCrossEntropy</c>
/// (on logits), <c>Cost.binaryCrossEntropy</c>, <c>Cost.binaryCrossEntropyWithLogits</c>, and <c>Cost.custom</c> for your own.
/// </summary>
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Cost =

    /// <summary>Mean squared error, mean((output - target)²) over all elements; output and target have the same shape.</summary>
    [<CompiledName("Mse")>]
    let mse: Cost = Corgi.NN.Cost.Mse()

    /// <summary>
    /// The seed's cross-entropy on probabilities, -sum(target · ln output) / batch: use it after
    /// <c>Layer.softmax</c>, with one-hot targets of the output's shape.
    /// </summary>
    [<CompiledName("CrossEntropy")>]
    let crossEntropy: Cost = Corgi.NN.Cost.CrossEntropy()

    /// <summary>
    /// Softmax and cross-entropy in one stable step, on logits [batch, classes]; the target is class indices
    /// [batch] or one-hot rows [batch, classes]. Its gradient with respect to the logits is (softmax - target) / batch.
    /// </summary>
    [<CompiledName("SoftmaxCrossEntropy")>]
    let softmaxCrossEntropy: Cost = Corgi.NN.Cost.SoftmaxCrossEntropy()

    /// <summary>Binary cross-entropy on probabilities (after <c>Layer.sigmoid</c>), averaged over all elements.</summary>
    [<CompiledName("BinaryCrossEntropy")>]
    let binaryCrossEntropy: Cost = Corgi.NN.Cost.BinaryCrossEntropy()

    /// <summary>
    /// Binary cross-entropy on logits (no sigmoid layer), fused and stable for any logit:
    /// mean(max(z, 0) - z·t + ln(1 + e^-|z|)); prefer it to <c>binaryCrossEntropy</c> after a sigmoid.
    /// </summary>
    [<CompiledName("BinaryCrossEntropyWithLogits")>]
    let binaryCrossEntropyWithLogits: Cost = Corgi.NN.Cost.BinaryCrossEntropyWithLogits()

    /// <summary>
    /// A cost from a function of the output and the target that returns a one-element tensor, built from
    /// differentiable tensor operations: <c>Cost.custom "mae" (fun output target -&gt; Tensor.mean (Tensor.abs (output - target)))</c>.
    /// </summary>
    [<CompiledName("Custom")>]
    let custom (name: string) (cost: Tensor -> Tensor -> Tensor) : Cost =
        Corgi.NN.Cost(name, Func<Tensor, Tensor, Tensor>(fun output target -> cost output target))

    /// <summary>The cost of an output against a target, as a tensor: <c>output |&gt; Cost.compute Cost.mse target</c>.</summary>
    [<CompiledName("Compute")>]
    let compute (cost: Cost) (target: Tensor) (output: Tensor) : Tensor = cost.Compute(output, target)

    /// <summary>The cost's name.</summary>
    [<CompiledName("Name")>]
    let name (cost: Cost) : string = cost.Name

/// <summary>
/// Training: <c>Model.create</c>, then either the seed's loop (<c>Model.forward</c>, <c>Model.backward</c>,
/// <c>Model.update</c>) or <c>Model.fit</c>. Every function takes the model last.
/// </summary>
/// <example>
/// <code>
/// let model = Model.create (Layer.seed 1 &gt;&gt; Layer.dense 2 64 &gt;&gt; Layer.relu &gt;&gt; Layer.dense 64 2)
///                          (Optim.adam { Optim.AdamOptions.defaults with LearningRate = 0.01 })
///                          Cost.softmaxCrossEntropy
/// let losses = model |&gt; Model.fit { Model.FitOptions.defaults with Epochs = 50 } (x, labels)
/// let accuracy = model |&gt; Model.accuracy x labels
/// </code>
/// </example>
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Model =

    /// <summary>Settings of <c>Model.fit</c>.</summary>
    type FitOptions =
        {
            /// <summary>Passes over the data (default 1).</summary>
            Epochs: int
            /// <summary>Rows per mini-batch (default 32); the last batch may be smaller unless <c>DropLast</c>.</summary>
            BatchSize: int
            /// <summary>Whether to shuffle the rows every epoch (default true).</summary>
            Shuffle: bool
            /// <summary>The seed of the shuffling (default 0): the same seed gives the same batches.</summary>
            Seed: int
            /// <summary>Skip a last batch smaller than the batch size (default false).</summary>
            DropLast: bool
            /// <summary>Report progress every this many steps as well as at the end of each epoch (default 0: only at the end of each epoch).</summary>
            ProgressInterval: int
            /// <summary>Run each step in a dispose scope, so the step's tensors are disposed and their buffers reused (default true; false when a layer keeps a tensor across steps).</summary>
            DisposeScopePerStep: bool
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.ModelModule.FitOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module FitOptions =
        /// <summary>One epoch of shuffled batches of 32 (seed 0), keeping the last small batch, progress at epoch ends, each step in a dispose scope.</summary>
        let defaults: FitOptions =
            { Epochs = 1; BatchSize = 32; Shuffle = true; Seed = 0; DropLast = false; ProgressInterval = 0; DisposeScopePerStep = true }

    /// <summary>
    /// Builds the layers of the blueprint (new parameters) into a model with an optimizer and a cost:
    /// <c>Model.create (Layer.dense 4 8 &gt;&gt; Layer.relu &gt;&gt; Layer.dense 8 3) (Optim.sgd 0.1) Cost.softmaxCrossEntropy</c>.
    /// Parameters are named like PyTorch's <c>nn.Sequential</c>: "0.weight", "0.bias", "2.weight", ...
    /// </summary>
    /// <exception cref="T:System.ArgumentException">Consecutive layers do not fit.</exception>
    [<CompiledName("Create")>]
    let create (layers: Layer) (optimizer: IOptimizer) (cost: Cost) : Model =
        ArgumentNullException.ThrowIfNull optimizer
        ArgumentNullException.ThrowIfNull cost
        Model((Layer.build layers).Layers, optimizer, cost)

    /// <summary>
    /// <c>Model.create</c> with parameters in <paramref name="dtype"/>:
    /// <c>Model.createIn DType.Float32 layers (Optim.sgd 0.1) Cost.mse</c> (the same as starting the blueprint with
    /// <c>Layer.dtype</c>; a later <c>Layer.dtype</c> inside the blueprint wins for the layers after it).
    /// </summary>
    [<CompiledName("CreateIn")>]
    let createIn (dtype: DType) (layers: Layer) (optimizer: IOptimizer) (cost: Cost) : Model =
        create (Layer.dtype dtype >> layers) optimizer cost

    /// <summary>The model's dtype (its first parameter's).</summary>
    [<CompiledName("DType")>]
    let dtype (model: Model) : DType = model.DType

    /// <summary>
    /// Converts every parameter to <paramref name="dtype"/> and returns the model (the same object):
    /// <c>model |&gt; Model.toDType DType.Float32</c>. Gradients are dropped; the optimizer's state is kept and
    /// converted at the next update. Inputs of another dtype are converted to the model's by forward, predict and fit.
    /// </summary>
    [<CompiledName("ToDType")>]
    let toDType (dtype: DType) (model: Model) : Model = model.To dtype

    /// <summary>Runs the layers on the input and remembers the output for <c>Model.backward</c> (the seed's <c>forward</c>).</summary>
    [<CompiledName("Forward")>]
    let forward (input: Tensor) (model: Model) : Tensor = model.Forward input

    /// <summary>
    /// The cost of the last forward output against the target: runs the backward pass (accumulating the
    /// parameters' gradients) and returns the loss (the seed's <c>backward</c>).
    /// </summary>
    /// <exception cref="T:System.InvalidOperationException">No forward pass was recorded since the last backward.</exception>
    [<CompiledName("Backward")>]
    let backward (target: Tensor) (model: Model) : float = model.Backward target

    /// <summary>Applies the optimizer to the parameters (new tensors for each) and clears the gradients (the seed's <c>update</c>).</summary>
    [<CompiledName("Update")>]
    let update (model: Model) : unit = model.Update()

    /// <summary>One training step on a batch, forward, backward and update; returns the batch's loss.</summary>
    [<CompiledName("Step")>]
    let step (input: Tensor) (target: Tensor) (model: Model) : float =
        model.Forward input |> ignore
        let loss = model.Backward target
        model.Update()
        loss

    /// <summary>The output in evaluation mode (no dropout) without recording a graph: <c>model |&gt; Model.predict x |&gt; Tensor.argMax 1</c>.</summary>
    [<CompiledName("Predict")>]
    let predict (input: Tensor) (model: Model) : Tensor = model.Predict input

    /// <summary>The cost of the prediction against the target, in evaluation mode.</summary>
    [<CompiledName("Evaluate")>]
    let evaluate (input: Tensor) (target: Tensor) (model: Model) : float = model.Evaluate(input, target)

    /// <summary>
    /// The fraction of rows whose highest-scoring class is the label (class indices [n] or one-hot rows), in
    /// evaluation mode.
    /// </summary>
    [<CompiledName("Accuracy")>]
    let accuracy (input: Tensor) (labels: Tensor) (model: Model) : float = model.Accuracy(input, labels)

    let private toCore (options: FitOptions) =
        FitOptions(
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            Shuffle = options.Shuffle,
            Seed = options.Seed,
            DropLast = options.DropLast,
            ProgressInterval = options.ProgressInterval,
            DisposeScopePerStep = options.DisposeScopePerStep
        )

    /// <summary>
    /// Trains like <c>Model.fit</c> and calls <paramref name="onProgress"/> (synchronously, on the training
    /// thread) every <c>ProgressInterval</c> steps and at the end of every epoch:
    /// <c>model |&gt; Model.fitWith Progress.console options (x, y)</c>.
    /// </summary>
    /// <exception cref="T:Corgi.TensorShapeException">x and y have different numbers of rows.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">Negative epochs or interval, or a batch size below 1.</exception>
    [<CompiledName("FitWith")>]
    let fitWith (onProgress: TrainingProgress -> unit) (options: FitOptions) (x: Tensor, y: Tensor) (model: Model) : float list =
        model.Fit(x, y, toCore options, Action<TrainingProgress> onProgress) |> List.ofSeq

    /// <summary>
    /// Trains over shuffled mini-batches of (inputs, targets) rows for <c>options.Epochs</c> epochs (forward,
    /// backward and update per batch) and returns the mean loss of each epoch:
    /// <c>let losses = model |&gt; Model.fit { Model.FitOptions.defaults with Epochs = 20 } (x, y)</c>.
    /// </summary>
    /// <exception cref="T:Corgi.TensorShapeException">x and y have different numbers of rows.</exception>
    [<CompiledName("Fit")>]
    let fit (options: FitOptions) (x: Tensor, y: Tensor) (model: Model) : float list =
        model.Fit(x, y, toCore options, (null: IProgress<TrainingProgress> | null)) |> List.ofSeq

    /// <summary>The layers, in order.</summary>
    [<CompiledName("Layers")>]
    let layers (model: Model) : ILayer list = List.ofSeq model.Layers

    /// <summary>The parameters' current values by name ("0.weight", "0.bias", ...), in layer order.</summary>
    [<CompiledName("Parameters")>]
    let parameters (model: Model) : (string * Tensor) list =
        [ for kv in model.NamedParameters -> kv.Key, kv.Value.Value ]

    /// <summary>The current value of the parameter with this name, if there is one: <c>model |&gt; Model.parameter "0.weight"</c>.</summary>
    [<CompiledName("Parameter")>]
    let parameter (name: string) (model: Model) : Tensor option =
        model.NamedParameters |> Seq.tryFind (fun kv -> kv.Key = name) |> Option.map (fun kv -> kv.Value.Value)

    /// <summary>The parameter slots (<c>Corgi.NN.Parameter</c>), in layer order: to freeze one, or to set a value.</summary>
    [<CompiledName("ParameterList")>]
    let parameterList (model: Model) : Parameter list = List.ofSeq model.Parameters

    /// <summary>The gradient accumulated on each parameter by name: None before a backward pass and after an update.</summary>
    [<CompiledName("Gradients")>]
    let gradients (model: Model) : (string * Tensor option) list =
        [ for kv in model.NamedParameters -> kv.Key, Option.ofObj kv.Value.Gradient ]

    /// <summary>How many scalar values the parameters hold together.</summary>
    [<CompiledName("ParameterCount")>]
    let parameterCount (model: Model) : int = model.Parameters |> Seq.sumBy (fun p -> p.Count)

    /// <summary>Switches training mode (dropout active) on or off; <c>Model.predict</c> and <c>Model.accuracy</c> switch it off by themselves.</summary>
    [<CompiledName("SetTraining")>]
    let setTraining (training: bool) (model: Model) : unit = model.Training <- training

    /// <summary>Replaces the optimizer (keeping the parameters), e.g. to fine-tune with another learning rate.</summary>
    [<CompiledName("SetOptimizer")>]
    let setOptimizer (optimizer: IOptimizer) (model: Model) : unit =
        ArgumentNullException.ThrowIfNull optimizer
        model.Optimizer <- optimizer

    /// <summary>
    /// Saves the parameters to a safetensors file under their names (each in its dtype, F32 or F64, bit-exact, readable by PyTorch's
    /// <c>safetensors.torch.load_file</c>): <c>model |&gt; Model.save "spirals.safetensors"</c>.
    /// </summary>
    [<CompiledName("Save")>]
    let save (path: string) (model: Model) : unit = model.Save path

    /// <summary>
    /// Loads the parameters from a safetensors file written by <c>Model.save</c> for a model of the same
    /// blueprint; the model is unchanged when the file lacks a parameter or a shape differs.
    /// </summary>
    /// <exception cref="T:System.IO.InvalidDataException">The file is corrupt, lacks a parameter, or a shape differs.</exception>
    [<CompiledName("Load")>]
    let load (path: string) (model: Model) : unit = model.Load path |> ignore

    /// <summary>
    /// Loads what matches from a safetensors file and returns what was skipped (PyTorch's
    /// <c>load_state_dict(strict=False)</c>); <c>Model.load</c> is strict and fails on any mismatch.
    /// </summary>
    [<CompiledName("LoadNonStrict")>]
    let loadNonStrict (path: string) (model: Model) : Corgi.NN.LoadReport = model.Load(path, false)

/// <summary>Progress reporters for <c>Model.fitWith</c>.</summary>
[<RequireQualifiedAccess>]
module Progress =

    /// <summary>The one-line summary of a report: "epoch 3/20  step 40/40  loss 0.1234  12345 samples/s".</summary>
    [<CompiledName("Format")>]
    let format (progress: TrainingProgress) : string = progress.ToString()

    /// <summary>
    /// Writes progress to the console: on a terminal one live line, rewritten in place (<c>\r</c>) at every
    /// report and ended after the last epoch; when the output is redirected (a file, a pipe, CI) one plain line
    /// per epoch. <c>model |&gt; Model.fitWith Progress.console { options with ProgressInterval = 5 } (x, y)</c>.
    /// </summary>
    [<CompiledName("Console")>]
    let console (progress: TrainingProgress) : unit =
        let line = format progress
        if Console.IsOutputRedirected then
            if progress.EndOfEpoch then Console.WriteLine line
        else
            // pad so that a shorter line fully covers the previous one
            Console.Write("\r" + line.PadRight 72)
            if progress.EndOfEpoch && progress.Epoch = progress.Epochs then Console.WriteLine()
