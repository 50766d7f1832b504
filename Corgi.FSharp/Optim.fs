namespace Corgi.FSharp

open System
open System.Collections.Generic
open Corgi
open Corgi.NN

/// <summary>
/// Optimizers as values: <c>Optim.sgd 0.01</c>, <c>Optim.adam { Optim.AdamOptions.defaults with LearningRate = 1e-3 }</c>,
/// <c>Optim.custom (fun value gradient -&gt; value - 0.1 * gradient)</c>. Pass one to <c>Model.create</c>.
/// </summary>
/// <remarks>
/// <para>Optimizers whose hyper-parameters all have standard defaults (Adam, AdamW, RMSProp) take an options
/// record; gradient descent and SGD, whose learning rate has no standard value, take the learning rate
/// (and <c>Optim.sgdWith</c> takes the full record).</para>
/// <para>An optimizer keeps its per-parameter state (momentum, moment estimates, step counts) with each
/// parameter, so one optimizer value may serve several models.</para>
/// </remarks>
[<RequireQualifiedAccess>]
module Optim =

    /// <summary>Hyper-parameters of <c>Optim.sgdWith</c> (PyTorch's SGD).</summary>
    type SgdOptions =
        {
            /// <summary>The step size (default 0.01).</summary>
            LearningRate: float
            /// <summary>Momentum μ in [0, 1) (default 0: plain SGD).</summary>
            Momentum: float
            /// <summary>Nesterov momentum (default false; needs μ &gt; 0 and no dampening).</summary>
            Nesterov: bool
            /// <summary>Dampening of the gradient in the momentum buffer (default 0).</summary>
            Dampening: float
            /// <summary>L2 coefficient λ added to the gradient as λ·p (default 0).</summary>
            WeightDecay: float
            /// <summary>Clip all gradients together to this Euclidean norm before the step (default None: no clipping).</summary>
            MaxGradientNorm: float option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.Optim.SgdOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module SgdOptions =
        /// <summary>Learning rate 0.01, no momentum, no weight decay, no clipping.</summary>
        let defaults: SgdOptions =
            { LearningRate = 0.01; Momentum = 0.0; Nesterov = false; Dampening = 0.0; WeightDecay = 0.0; MaxGradientNorm = None }

    /// <summary>Hyper-parameters of <c>Optim.adam</c> (Kingma and Ba).</summary>
    type AdamOptions =
        {
            /// <summary>The step size (default 1e-3).</summary>
            LearningRate: float
            /// <summary>Decay of the first-moment estimate, in [0, 1) (default 0.9).</summary>
            Beta1: float
            /// <summary>Decay of the second-moment estimate, in [0, 1) (default 0.999).</summary>
            Beta2: float
            /// <summary>Added to the denominator (default 1e-8).</summary>
            Epsilon: float
            /// <summary>L2 coefficient λ added to the gradient (default 0).</summary>
            WeightDecay: float
            /// <summary>Clip all gradients together to this norm before the step (default None).</summary>
            MaxGradientNorm: float option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.Optim.AdamOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module AdamOptions =
        /// <summary>Learning rate 1e-3, β1 0.9, β2 0.999, ε 1e-8, no weight decay, no clipping (PyTorch's defaults).</summary>
        let defaults: AdamOptions =
            { LearningRate = 1e-3; Beta1 = 0.9; Beta2 = 0.999; Epsilon = 1e-8; WeightDecay = 0.0; MaxGradientNorm = None }

    /// <summary>Hyper-parameters of <c>Optim.adamW</c> (Adam with decoupled weight decay, Loshchilov and Hutter).</summary>
    type AdamWOptions =
        {
            /// <summary>The step size (default 1e-3).</summary>
            LearningRate: float
            /// <summary>Decay of the first-moment estimate (default 0.9).</summary>
            Beta1: float
            /// <summary>Decay of the second-moment estimate (default 0.999).</summary>
            Beta2: float
            /// <summary>Added to the denominator (default 1e-8).</summary>
            Epsilon: float
            /// <summary>Decoupled decay λ: p ← p·(1 - lr·λ) before the Adam step (default 0.01).</summary>
            WeightDecay: float
            /// <summary>Clip all gradients together to this norm before the step (default None).</summary>
            MaxGradientNorm: float option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.Optim.AdamWOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module AdamWOptions =
        /// <summary>Learning rate 1e-3, β1 0.9, β2 0.999, ε 1e-8, weight decay 0.01, no clipping (PyTorch's defaults).</summary>
        let defaults: AdamWOptions =
            { LearningRate = 1e-3; Beta1 = 0.9; Beta2 = 0.999; Epsilon = 1e-8; WeightDecay = 0.01; MaxGradientNorm = None }

    /// <summary>Hyper-parameters of <c>Optim.rmsProp</c>.</summary>
    type RmsPropOptions =
        {
            /// <summary>The step size (default 0.01).</summary>
            LearningRate: float
            /// <summary>Decay of the squared-gradient average, in [0, 1) (default 0.99).</summary>
            Alpha: float
            /// <summary>Added to the denominator (default 1e-8).</summary>
            Epsilon: float
            /// <summary>Momentum μ in [0, 1) (default 0).</summary>
            Momentum: float
            /// <summary>L2 coefficient λ (default 0).</summary>
            WeightDecay: float
            /// <summary>Clip all gradients together to this norm before the step (default None).</summary>
            MaxGradientNorm: float option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.Optim.RmsPropOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module RmsPropOptions =
        /// <summary>Learning rate 0.01, α 0.99, ε 1e-8, no momentum, no weight decay, no clipping (PyTorch's defaults).</summary>
        let defaults: RmsPropOptions =
            { LearningRate = 0.01; Alpha = 0.99; Epsilon = 1e-8; Momentum = 0.0; WeightDecay = 0.0; MaxGradientNorm = None }

    let private clipped (maxNorm: float option) (optimizer: Optimizer) : Optimizer =
        optimizer.MaxGradientNorm <- Option.toNullable maxNorm
        optimizer

    /// <summary>The seed's gradient descent, p ← p - lr · g: <c>Optim.gradientDescent 0.1</c>.</summary>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The learning rate is negative or not finite.</exception>
    [<CompiledName("GradientDescent")>]
    let gradientDescent (learningRate: float) : Optimizer = GradientDescent(learningRate)

    /// <summary>SGD with the given options (momentum, Nesterov, weight decay, clipping).</summary>
    /// <exception cref="T:System.ArgumentException">Nesterov without momentum or with dampening, or a value out of range.</exception>
    [<CompiledName("SgdWith")>]
    let sgdWith (options: SgdOptions) : Optimizer =
        Sgd(options.LearningRate, options.Momentum, options.Nesterov, options.WeightDecay, options.Dampening)
        |> clipped options.MaxGradientNorm

    /// <summary>Plain stochastic gradient descent, p ← p - lr · g: <c>Optim.sgd 0.01</c>.</summary>
    [<CompiledName("Sgd")>]
    let sgd (learningRate: float) : Optimizer = sgdWith { SgdOptions.defaults with LearningRate = learningRate }

    /// <summary>Adam: <c>Optim.adam Optim.AdamOptions.defaults</c>, <c>Optim.adam { Optim.AdamOptions.defaults with LearningRate = 0.01 }</c>.</summary>
    /// <exception cref="T:System.ArgumentOutOfRangeException">A β outside [0, 1), a negative ε or learning rate.</exception>
    [<CompiledName("Adam")>]
    let adam (options: AdamOptions) : Optimizer =
        Adam(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay)
        |> clipped options.MaxGradientNorm

    /// <summary>AdamW (decoupled weight decay): <c>Optim.adamW Optim.AdamWOptions.defaults</c>.</summary>
    [<CompiledName("AdamW")>]
    let adamW (options: AdamWOptions) : Optimizer =
        AdamW(options.LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay)
        |> clipped options.MaxGradientNorm

    /// <summary>RMSProp: <c>Optim.rmsProp Optim.RmsPropOptions.defaults</c>.</summary>
    [<CompiledName("RmsProp")>]
    let rmsProp (options: RmsPropOptions) : Optimizer =
        RmsProp(options.LearningRate, options.Alpha, options.Epsilon, options.Momentum, options.WeightDecay)
        |> clipped options.MaxGradientNorm

    type private RuleOptimizer(rule: Tensor -> Tensor -> Tensor) =
        interface IOptimizer with
            member _.Update(parameters) =
                ArgumentNullException.ThrowIfNull parameters
                use _ = Tensor.NoGrad()
                for p in parameters do
                    match p.Gradient with
                    | null -> ()
                    | _ when p.Frozen -> ()
                    | gradient -> p.Value <- rule p.Value gradient
                for p in parameters do
                    p.ClearGradient()

    /// <summary>
    /// A stateless optimizer from an update rule <c>value -&gt; gradient -&gt; new value</c>, applied to every
    /// parameter that has a gradient and is not frozen (without recording a graph); gradients are cleared
    /// afterwards: <c>Optim.custom (fun p g -&gt; p - 0.1 * g)</c> is gradient descent.
    /// </summary>
    /// <exception cref="T:Corgi.TensorShapeException">The rule returns a tensor of another shape (raised at the update).</exception>
    [<CompiledName("Custom")>]
    let custom (rule: Tensor -> Tensor -> Tensor) : IOptimizer = RuleOptimizer rule :> IOptimizer

    /// <summary>
    /// Applies one update step of the optimizer to the parameters (those with a gradient) and clears their
    /// gradients: <c>optimizer |&gt; Optim.update (Model.parameterList model)</c>. <c>Model.update</c> does this for a model.
    /// </summary>
    [<CompiledName("Update")>]
    let update (parameters: seq<Parameter>) (optimizer: IOptimizer) : unit =
        ArgumentNullException.ThrowIfNull optimizer
        optimizer.Update(List<Parameter>(parameters))

    /// <summary>The optimizer's learning rate.</summary>
    [<CompiledName("LearningRate")>]
    let learningRate (optimizer: Optimizer) : float = optimizer.LearningRate

    /// <summary>
    /// Changes the optimizer's learning rate from the next step on (for schedules):
    /// <c>optimizer |&gt; Optim.setLearningRate (0.1 * 0.5 ** float (epoch / 10))</c>.
    /// </summary>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The rate is negative or not finite.</exception>
    [<CompiledName("SetLearningRate")>]
    let setLearningRate (learningRate: float) (optimizer: Optimizer) : unit = optimizer.LearningRate <- learningRate
