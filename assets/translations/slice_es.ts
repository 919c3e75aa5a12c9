<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>The hub request failed: {reason}</source>
        <translation>La petición al hub ha fallado: {reason}</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min left</source>
        <extracomment>The row&apos;s DownloadStatus.</extracomment>
        <translation>quedan {hours} h {minutes} min</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s left</source>
        <translation>quedan {minutes} min {seconds} s</translation>
    </message>
    <message>
        <source>{seconds} s left</source>
        <translation>quedan {seconds} s</translation>
    </message>
    <message>
        <source>{done} of {size}</source>
        <translation>{done} de {size}</translation>
    </message>
    <message>
        <source>{size} · verified (SHA-256), in the library</source>
        <translation>{size} · verificado (SHA-256), en la biblioteca</translation>
    </message>
    <message>
        <source>{amount} · waiting</source>
        <translation>{amount} · en espera</translation>
    </message>
    <message>
        <source>Copy this code</source>
        <translation>Copiar este código</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Tú</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Asistente</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Versión anterior</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Versión siguiente</translation>
    </message>
    <message>
        <source>Hide the model&apos;s thinking</source>
        <translation>Ocultar el razonamiento del modelo</translation>
    </message>
    <message>
        <source>Show the model&apos;s thinking</source>
        <translation>Mostrar el razonamiento del modelo</translation>
    </message>
    <message>
        <source>Copy this message</source>
        <translation>Copiar este mensaje</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Editar</translation>
    </message>
    <message>
        <source>Edit and send as a new version</source>
        <translation>Editar y enviar como versión nueva</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Regenerar</translation>
    </message>
    <message>
        <source>Write a new reply beside this one</source>
        <translation>Escribir una respuesta nueva junto a esta</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continuar</translation>
    </message>
    <message>
        <source>Generate the rest of this reply</source>
        <translation>Generar el resto de esta respuesta</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Try this reply again</source>
        <translation>Volver a intentar esta respuesta</translation>
    </message>
    <message>
        <source>Write a new reply</source>
        <translation>Escribir una respuesta nueva</translation>
    </message>
    <message>
        <source>Continue anyway</source>
        <translation>Continuar de todos modos</translation>
    </message>
    <message>
        <source>Generate more of this reply, without the repetition check</source>
        <translation>Generar más de esta respuesta, sin la comprobación de repeticiones</translation>
    </message>
    <message>
        <source>Generate more of this reply</source>
        <translation>Generar más de esta respuesta</translation>
    </message>
    <message>
        <source>Copy this reply as Markdown</source>
        <translation>Copiar esta respuesta como Markdown</translation>
    </message>
    <message>
        <source>Hide stats</source>
        <translation>Ocultar estadísticas</translation>
    </message>
    <message>
        <source>Stats</source>
        <translation>Estadísticas</translation>
    </message>
    <message>
        <source>Speed, tokens and what produced this reply</source>
        <translation>Velocidad, tokens y con qué se generó esta respuesta</translation>
    </message>
    <message>
        <source>{provider} (remote): asking for its models…</source>
        <translation>{provider} (remoto): preguntando por sus modelos…</translation>
    </message>
    <message>
        <source>⚠ {provider} (remote): {error}</source>
        <translation>⚠ {provider} (remoto): {error}</translation>
    </message>
    <message>
        <source>{provider} (remote): serves no models</source>
        <translation>{provider} (remoto): no ofrece ningún modelo</translation>
    </message>
    <message>
        <source>It needs about {size} of memory: {why}.</source>
        <translation>Necesita unos {size} de memoria: {why}.</translation>
    </message>
    <message>
        <source>GPU: {gpu}.</source>
        <translation>GPU: {gpu}.</translation>
    </message>
    <message>
        <source>Load this model?</source>
        <translation>¿Cargar este modelo?</translation>
    </message>
    <message>
        <source>{problem}

Loading it may fail or make the system slow. Load it anyway?</source>
        <translation>{problem}

Cargarlo puede fallar o ralentizar el sistema. ¿Cargarlo de todos modos?</translation>
    </message>
    <message>
        <source>Extra headers, line {number}: write it as Name: value.</source>
        <translation>Cabeceras adicionales, línea {number}: escríbela como Nombre: valor.</translation>
    </message>
    <message>
        <source>✓ The server answered, but serves no models.</source>
        <translation>✓ El servidor ha respondido, pero no ofrece ningún modelo.</translation>
    </message>
    <message>
        <source> and {count} more</source>
        <translation> y {count} más</translation>
    </message>
    <message numerus="yes">
        <source>✓ %n model(s): {models}</source>
        <translation>
            <numerusform>✓ %n modelo: {models}</numerusform>
            <numerusform>✓ %n modelos: {models}</numerusform>
        </translation>
    </message>
    <message>
        <source>⚠ TLS certificate not checked</source>
        <translation>⚠ El certificado TLS no se comprueba</translation>
    </message>
    <message>
        <source>headers {names}</source>
        <translation>cabeceras {names}</translation>
    </message>
    <message>
        <source>the key is required</source>
        <translation>se exige la clave</translation>
    </message>
    <message>
        <source>no key needed from this computer</source>
        <translation>sin clave desde este equipo</translation>
    </message>
    <message>
        <source>Running at {url} · {rule}</source>
        <translation>En marcha en {url} · {rule}</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <source>Could not start: {reason}</source>
        <translation>No se pudo iniciar: {reason}</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>error desconocido</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Apagado</translation>
    </message>
    <message>
        <source>this computer only</source>
        <translation>solo este equipo</translation>
    </message>
    <message>
        <source>other machines can connect; the key is required</source>
        <translation>otros equipos pueden conectarse; se exige la clave</translation>
    </message>
    <message>
        <source>API on :{port}</source>
        <translation>API en :{port}</translation>
    </message>
    <message>
        <source>The API server runs at {url} ({reach}).</source>
        <translation>El servidor de la API funciona en {url} ({reach}).</translation>
    </message>
    <message>
        <source>API starting…</source>
        <translation>API iniciándose…</translation>
    </message>
    <message>
        <source>The API server is starting.</source>
        <translation>El servidor de la API se está iniciando.</translation>
    </message>
    <message>
        <source>API off: failed</source>
        <translation>API apagada: error</translation>
    </message>
    <message>
        <source>The API server could not start: {reason}</source>
        <translation>El servidor de la API no pudo iniciarse: {reason}</translation>
    </message>
    <message>
        <source>Waiting for {provider}…</source>
        <translation>Esperando a {provider}…</translation>
    </message>
    <message numerus="yes">
        <source>Waiting for %n request(s) from another app to finish…</source>
        <translation>
            <numerusform>Esperando a que termine %n petición de otra aplicación…</numerusform>
            <numerusform>Esperando a que terminen %n peticiones de otras aplicaciones…</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for the comparison: this reply starts when its current target finishes…</source>
        <translation>Esperando a la comparación: esta respuesta empieza cuando termine su objetivo actual…</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON, lossless (*.json)</source>
        <translation>Markdown (*.md);;JSON, sin pérdidas (*.json)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>&amp;Nuevo chat</translation>
    </message>
    <message>
        <source>&amp;Rename</source>
        <translation>&amp;Renombrar</translation>
    </message>
    <message>
        <source>Chat &amp;settings…</source>
        <translation>&amp;Ajustes del chat…</translation>
    </message>
    <message>
        <source>&amp;Providers…</source>
        <translation>&amp;Proveedores…</translation>
    </message>
    <message>
        <source>Remote servers (OpenAI-compatible) whose models you can chat with</source>
        <translation>Servidores remotos (compatibles con OpenAI) con cuyos modelos puedes chatear</translation>
    </message>
    <message>
        <source>&amp;Export this chat…</source>
        <translation>&amp;Exportar este chat…</translation>
    </message>
    <message>
        <source>Export &amp;all chats…</source>
        <translation>Exportar &amp;todos los chats…</translation>
    </message>
    <message>
        <source>&amp;Import chats…</source>
        <translation>&amp;Importar chats…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Search chats</source>
        <translation>&amp;Buscar en los chats</translation>
    </message>
    <message>
        <source>&amp;Previous chat</source>
        <translation>Chat &amp;anterior</translation>
    </message>
    <message>
        <source>&amp;Next chat</source>
        <translation>Chat &amp;siguiente</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Tema</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>Seguir al &amp;sistema</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Claro</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Oscuro</translation>
    </message>
    <message>
        <source>&amp;High contrast</source>
        <translation>Alto co&amp;ntraste</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Herramientas</translation>
    </message>
    <message>
        <source>&amp;API server…</source>
        <translation>Servidor de la &amp;API…</translation>
    </message>
    <message>
        <source>Let other apps use the model through the OpenAI-compatible API</source>
        <translation>Permite que otras aplicaciones usen el modelo mediante la API compatible con OpenAI</translation>
    </message>
    <message>
        <source>&amp;Compare models…</source>
        <translation>&amp;Comparar modelos…</translation>
    </message>
    <message>
        <source>One prompt to 2-4 models or settings, replies and speeds side by side</source>
        <translation>Un prompt a 2-4 modelos o ajustes, respuestas y velocidades lado a lado</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Atajos de teclado</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}</source>
        <translation>No se pudo escribir {path}: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n chat(s) to {path}</source>
        <translation>
            <numerusform>%n chat exportado a {path}</numerusform>
            <numerusform>%n chats exportados a {path}</numerusform>
        </translation>
    </message>
    <message>
        <source>There is no saved chat to export yet.</source>
        <translation>Todavía no hay ningún chat guardado que exportar.</translation>
    </message>
    <message>
        <source>Export chats</source>
        <translation>Exportar chats</translation>
    </message>
    <message>
        <source>Export chat</source>
        <translation>Exportar chat</translation>
    </message>
    <message>
        <source>Could not read {path}: {reason}</source>
        <translation>No se pudo leer {path}: {reason}</translation>
    </message>
    <message>
        <source>{reason}; nothing was imported.</source>
        <translation>{reason}; no se ha importado nada.</translation>
    </message>
    <message numerus="yes">
        <source>; %n already here</source>
        <translation>
            <numerusform>; %n ya estaba aquí</numerusform>
            <numerusform>; %n ya estaban aquí</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n chat(s)</source>
        <translation>
            <numerusform>%n chat importado</numerusform>
            <numerusform>%n chats importados</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n message(s))</source>
        <translation>
            <numerusform> (%n mensaje)</numerusform>
            <numerusform> (%n mensajes)</numerusform>
        </translation>
    </message>
    <message>
        <source>Import chats</source>
        <translation>Importar chats</translation>
    </message>
    <message>
        <source>Slice export (*.json)</source>
        <translation>Exportación de Slice (*.json)</translation>
    </message>
</context>
<context>
    <name>Announcement</name>
    <message>
        <source>Reply finished</source>
        <translation>Respuesta terminada</translation>
    </message>
    <message>
        <source>Reply stopped: you stopped it</source>
        <translation>Respuesta detenida: la detuviste tú</translation>
    </message>
    <message>
        <source>Reply stopped at the length limit</source>
        <translation>Respuesta detenida en el límite de longitud</translation>
    </message>
    <message>
        <source>Reply stopped: the context is full</source>
        <translation>Respuesta detenida: el contexto está lleno</translation>
    </message>
    <message>
        <source>Reply stopped: it kept repeating itself</source>
        <translation>Respuesta detenida: se repetía una y otra vez</translation>
    </message>
    <message>
        <source>Reply ended</source>
        <translation>Respuesta finalizada</translation>
    </message>
    <message>
        <source>{ending}, with no text.</source>
        <translation>{ending}, sin texto.</translation>
    </message>
    <message>
        <source>{ending}: {words}</source>
        <translation>{ending}: {words}</translation>
    </message>
</context>
<context>
    <name>AppText</name>
    <message>
        <source>Context size (tokens)</source>
        <translation>Tamaño del contexto (tokens)</translation>
    </message>
    <message>
        <source>How many tokens of conversation the model sees at once; more takes more memory.</source>
        <translation>Cuántos tokens de la conversación ve el modelo a la vez; más ocupa más memoria.</translation>
    </message>
    <message>
        <source>Threads (generation)</source>
        <translation>Hilos (generación)</translation>
    </message>
    <message>
        <source>Threads that generate the reply; 0: one per physical core.</source>
        <translation>Hilos que generan la respuesta; 0: uno por núcleo físico.</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automático</translation>
    </message>
    <message>
        <source>Threads (prompt)</source>
        <translation>Hilos (prompt)</translation>
    </message>
    <message>
        <source>Threads that read the prompt; 0: all logical cores.</source>
        <translation>Hilos que leen el prompt; 0: todos los núcleos lógicos.</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Tamaño del lote</translation>
    </message>
    <message>
        <source>Prompt tokens processed per step; larger reads long prompts faster and takes more memory.</source>
        <translation>Tokens del prompt procesados por paso; más grande lee antes los prompts largos y ocupa más memoria.</translation>
    </message>
    <message>
        <source>Micro-batch size</source>
        <translation>Tamaño del microlote</translation>
    </message>
    <message>
        <source>Prompt tokens per compute pass (at most the batch size).</source>
        <translation>Tokens del prompt por pasada de cálculo (como mucho el tamaño del lote).</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>Capas en la GPU</translation>
    </message>
    <message>
        <source>Layers of the model to put on the GPU. Auto: as many as the memory estimate says fit in the free VRAM at load time; 0: CPU only; a number: exactly that many (more than the model has: all of it).</source>
        <translation>Capas del modelo que van a la GPU. Auto: tantas como, según la estimación de memoria, quepan en la VRAM libre al cargar; 0: solo CPU; un número: exactamente esas (más de las que tiene el modelo: todas).</translation>
    </message>
    <message>
        <source>Auto (as many as fit)</source>
        <translation>Auto (tantas como quepan)</translation>
    </message>
    <message>
        <source>Flash attention</source>
        <translation>Flash attention</translation>
    </message>
    <message>
        <source>Faster attention that uses less memory; a quantized KV cache needs it.</source>
        <translation>Atención más rápida que usa menos memoria; una caché KV cuantizada la necesita.</translation>
    </message>
    <message>
        <source>Map the file into memory (mmap)</source>
        <translation>Mapear el archivo en memoria (mmap)</translation>
    </message>
    <message>
        <source>Map the model file instead of reading it into RAM.</source>
        <translation>Mapear el archivo del modelo en lugar de leerlo en la RAM.</translation>
    </message>
    <message>
        <source>Lock the model in RAM (mlock)</source>
        <translation>Bloquear el modelo en la RAM (mlock)</translation>
    </message>
    <message>
        <source>Keep the model in RAM so the OS never pages it out.</source>
        <translation>Mantener el modelo en la RAM para que el sistema nunca lo pase a disco.</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>Tipo de caché KV</translation>
    </message>
    <message>
        <source>Precision of the context cache: f16, or the smaller q8_0 and q4_0 (which need flash attention).</source>
        <translation>Precisión de la caché del contexto: f16, o los más pequeños q8_0 y q4_0 (que necesitan flash attention).</translation>
    </message>
    <message>
        <source>Warm up after loading</source>
        <translation>Calentar tras la carga</translation>
    </message>
    <message>
        <source>One decode right after the load, so the first reply pays no page faults.</source>
        <translation>Una decodificación justo después de cargar, para que la primera respuesta no pague fallos de página.</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <source>Randomness of the reply; 0 always picks the likeliest token.</source>
        <translation>Aleatoriedad de la respuesta; 0 elige siempre el token más probable.</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Sample only from the likeliest tokens that together hold this share of the probability.</source>
        <translation>Elegir solo entre los tokens más probables que juntos suman esta parte de la probabilidad.</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Sample only from this many likeliest tokens; 0: no limit.</source>
        <translation>Elegir solo entre estos tokens más probables; 0: sin límite.</translation>
    </message>
    <message>
        <source>off</source>
        <translation>desactivado</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Drop tokens less likely than this share of the likeliest one&apos;s.</source>
        <translation>Descartar los tokens menos probables que esta parte de la probabilidad del más probable.</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>Penalización por repetición</translation>
    </message>
    <message>
        <source>Above 1 makes repeating recent tokens less likely; 1: off.</source>
        <translation>Por encima de 1 hace menos probable repetir tokens recientes; 1: desactivada.</translation>
    </message>
    <message>
        <source>Frequency penalty</source>
        <translation>Penalización por frecuencia</translation>
    </message>
    <message>
        <source>Above 0 makes a token less likely the more often it already appeared in the reply; 0: off.</source>
        <translation>Por encima de 0 hace un token menos probable cuanto más haya aparecido ya en la respuesta; 0: desactivada.</translation>
    </message>
    <message>
        <source>Presence penalty</source>
        <translation>Penalización por presencia</translation>
    </message>
    <message>
        <source>Above 0 makes any token that already appeared less likely; 0: off.</source>
        <translation>Por encima de 0 hace menos probable cualquier token que ya haya aparecido; 0: desactivada.</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Semilla</translation>
    </message>
    <message>
        <source>The same seed, prompt and settings give the same reply; -1: random.</source>
        <translation>La misma semilla, prompt y ajustes dan la misma respuesta; -1: aleatoria.</translation>
    </message>
    <message>
        <source>random</source>
        <translation>aleatoria</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Máximo de tokens</translation>
    </message>
    <message>
        <source>Most tokens to generate; 0: until the context is full.</source>
        <translation>Máximo de tokens que generar; 0: hasta llenar el contexto.</translation>
    </message>
    <message>
        <source>until the context is full</source>
        <translation>hasta llenar el contexto</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>Modelo predeterminado</translation>
    </message>
    <message>
        <source>The model Slice opens with.</source>
        <translation>El modelo con el que se abre Slice.</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Instrucciones del sistema</translation>
    </message>
    <message>
        <source>Instructions the model gets before each chat.</source>
        <translation>Instrucciones que recibe el modelo antes de cada chat.</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Tema</translation>
    </message>
    <message>
        <source>Follow the system&apos;s colours, or always light or dark.</source>
        <translation>Seguir los colores del sistema, o siempre claro u oscuro.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>The window&apos;s language: the system&apos;s, or a language code (en, de, es); a change takes effect at the next start.</source>
        <translation>El idioma de la ventana: el del sistema o un código de idioma (en, de, es); un cambio se aplica en el próximo inicio.</translation>
    </message>
    <message>
        <source>Text size (%)</source>
        <translation>Tamaño del texto (%)</translation>
    </message>
    <message>
        <source>The window&apos;s text size, in percent of the system&apos;s (View ▸ Zoom in, Zoom out, Actual size).</source>
        <translation>El tamaño del texto de la ventana, en porcentaje del del sistema (Ver ▸ Ampliar, Reducir, Tamaño normal).</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>Muestreo</translation>
    </message>
    <message>
        <source>The sampling you chose for every chat; what you leave unset follows the model&apos;s recommendation.</source>
        <translation>El muestreo que elegiste para todos los chats; lo que no fijes sigue la recomendación del modelo.</translation>
    </message>
    <message>
        <source>When the context is full</source>
        <translation>Cuando el contexto está lleno</translation>
    </message>
    <message>
        <source>Stop at the limit, drop the oldest turns but keep the system prompt, or a rolling window.</source>
        <translation>Parar en el límite, descartar los turnos más antiguos conservando las instrucciones del sistema, o una ventana deslizante.</translation>
    </message>
    <message>
        <source>Speculative decoding (prompt lookup)</source>
        <translation>Decodificación especulativa (búsqueda en el prompt)</translation>
    </message>
    <message>
        <source>Guesses upcoming tokens from text already in the conversation and checks several at once. Fast when a reply repeats earlier text (code edits); turns itself down when guesses miss.</source>
        <translation>Adivina los próximos tokens a partir del texto que ya hay en la conversación y comprueba varios a la vez. Rápido cuando una respuesta repite texto anterior (ediciones de código); se modera solo cuando falla.</translation>
    </message>
    <message>
        <source>Stop replies that repeat themselves</source>
        <translation>Detener las respuestas que se repiten</translation>
    </message>
    <message>
        <source>Ends a reply that has fallen into a loop (the same sentences written again and again) instead of letting it run to the length limit; Continue carries on anyway.</source>
        <translation>Termina una respuesta que ha entrado en un bucle (las mismas frases una y otra vez) en lugar de dejarla llegar al límite de longitud; “Continuar” sigue de todos modos.</translation>
    </message>
    <message>
        <source>Cache of recent chats</source>
        <translation>Caché de los chats recientes</translation>
    </message>
    <message>
        <source>Memory for the model&apos;s cache of chats you switched away from: returning to one resumes at once instead of re-reading its history. 0 turns it off.</source>
        <translation>Memoria para la caché del modelo con los chats que dejaste: al volver a uno, sigue al instante en lugar de releer su historial. 0 la desactiva.</translation>
    </message>
    <message>
        <source>Cache of recent chats on disk</source>
        <translation>Caché de los chats recientes en disco</translation>
    </message>
    <message>
        <source>Disk space for the chats that do not fit in that memory and, when the model is unloaded or Slice quits, for the ones it held, in Slice&apos;s cache folder (readable only by you; the least recently used go first): a chat reopened after a restart resumes at once. A deleted chat&apos;s cache goes with it; Clear the cache deletes them all. 0 turns it off (what is there stays until cleared).</source>
        <translation>Espacio en disco para los chats que no caben en esa memoria y, cuando se descarga el modelo o se cierra Slice, para los que tenía, en la carpeta de caché de Slice (solo tú puedes leerla; los usados hace más tiempo se van primero): un chat reabierto tras reiniciar continúa al instante. La caché de un chat eliminado se va con él; Vaciar la caché las borra todas. 0 la desactiva (lo que ya hay se queda hasta vaciarla).</translation>
    </message>
    <message>
        <source>Serve the API</source>
        <translation>Servir la API</translation>
    </message>
    <message>
        <source>Let other apps on this computer use Slice&apos;s model through the OpenAI-compatible API.</source>
        <translation>Permite que otras aplicaciones de este equipo usen el modelo de Slice mediante la API compatible con OpenAI.</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>127.0.0.1 serves this computer only. Any other address lets other machines connect, and then every request needs the API key.</source>
        <translation>127.0.0.1 solo sirve a este equipo. Cualquier otra dirección permite conectarse a otros equipos, y entonces cada petición necesita la clave de la API.</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Puerto</translation>
    </message>
    <message>
        <source>The TCP port the server listens on.</source>
        <translation>El puerto TCP en el que escucha el servidor.</translation>
    </message>
    <message>
        <source>Require the API key</source>
        <translation>Exigir la clave de la API</translation>
    </message>
    <message>
        <source>Every request must carry the key. Off lets programs on this computer connect without it; always required when other machines can connect.</source>
        <translation>Cada petición debe llevar la clave. Desactivado permite a los programas de este equipo conectarse sin ella; siempre se exige cuando otros equipos pueden conectarse.</translation>
    </message>
    <message>
        <source>Browser origins allowed</source>
        <translation>Orígenes de navegador permitidos</translation>
    </message>
    <message>
        <source>Web pages at these origins (for example http://localhost:3000) may call the API from a browser; none by default.</source>
        <translation>Las páginas web de estos orígenes (por ejemplo http://localhost:3000) pueden llamar a la API desde un navegador; ninguno por defecto.</translation>
    </message>
    <message>
        <source>Queued requests</source>
        <translation>Peticiones en cola</translation>
    </message>
    <message>
        <source>API requests that may wait for the model; past this, a request is answered 503 with Retry-After.</source>
        <translation>Peticiones a la API que pueden esperar al modelo; por encima de esto, se responde 503 con Retry-After.</translation>
    </message>
    <message>
        <source>Unload the model when idle</source>
        <translation>Descargar el modelo si está inactivo</translation>
    </message>
    <message>
        <source>Minutes without requests after which the model is unloaded to free memory (the next request loads it again); 0: never.</source>
        <translation>Minutos sin peticiones tras los que el modelo se descarga para liberar memoria (la siguiente petición lo vuelve a cargar); 0: nunca.</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>Most tokens per API reply</source>
        <translation>Máximo de tokens por respuesta de la API</translation>
    </message>
    <message>
        <source>A request may not ask for more tokens than this.</source>
        <translation>Una petición no puede pedir más tokens que estos.</translation>
    </message>
    <message>
        <source>changed in this chat</source>
        <translation>cambiado en este chat</translation>
    </message>
    <message>
        <source>your setting</source>
        <translation>tu ajuste</translation>
    </message>
    <message>
        <source>Slice&apos;s default</source>
        <translation>valor predeterminado de Slice</translation>
    </message>
    <message>
        <source>preset {name}</source>
        <translation>preajuste {name}</translation>
    </message>
    <message>
        <source>Precise</source>
        <translation>Preciso</translation>
    </message>
    <message>
        <source>Balanced</source>
        <translation>Equilibrado</translation>
    </message>
    <message>
        <source>Creative</source>
        <translation>Creativo</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Predeterminado</translation>
    </message>
    <message>
        <source>from the model file</source>
        <translation>del archivo del modelo</translation>
    </message>
    <message>
        <source>fits the context</source>
        <translation>cabe en el contexto</translation>
    </message>
    <message>
        <source>Slice&apos;s default for {label}</source>
        <translation>valor predeterminado de Slice para {label}</translation>
    </message>
    <message>
        <source>a quantized KV cache needs flash attention</source>
        <translation>una caché KV cuantizada necesita flash attention</translation>
    </message>
    <message>
        <source>end of turn</source>
        <translation>fin del turno</translation>
    </message>
    <message>
        <source>length limit</source>
        <translation>límite de longitud</translation>
    </message>
    <message>
        <source>stop string</source>
        <translation>cadena de parada</translation>
    </message>
    <message>
        <source>stopped by user</source>
        <translation>detenida por el usuario</translation>
    </message>
    <message>
        <source>context full</source>
        <translation>contexto lleno</translation>
    </message>
    <message>
        <source>repetition</source>
        <translation>repetición</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Pensando…</translation>
    </message>
    <message>
        <source>Thought for {seconds} s</source>
        <translation>Pensó durante {seconds} s</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>Razonamiento</translation>
    </message>
    <message>
        <source>starter</source>
        <translation>modelo inicial</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>importado</translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>descargado</translation>
    </message>
    <message>
        <source>downloaded from {repo}@{commit}</source>
        <translation>descargado de {repo}@{commit}</translation>
    </message>
    <message>
        <source>imported (watched folder {folder})</source>
        <translation>importado (carpeta vigilada {folder})</translation>
    </message>
    <message>
        <source>fits</source>
        <translation>cabe</translation>
    </message>
    <message>
        <source>tight</source>
        <translation>justo</translation>
    </message>
    <message>
        <source>won&apos;t fit</source>
        <translation>no cabe</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>en cola</translation>
    </message>
    <message>
        <source>downloading</source>
        <translation>descargando</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pausa</translation>
    </message>
    <message>
        <source>done</source>
        <translation>terminada</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fallida</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>cancelada</translation>
    </message>
    <message>
        <source>the system keyring ({backend})</source>
        <translation>el llavero del sistema ({backend})</translation>
    </message>
    <message>
        <source>the file {path} (readable only by you)</source>
        <translation>el archivo {path} (solo tú puedes leerlo)</translation>
    </message>
    <message>
        <source>nowhere (cleared)</source>
        <translation>en ningún sitio (borrado)</translation>
    </message>
    <message>
        <source>in {seconds} s</source>
        <translation>dentro de {seconds} s</translation>
    </message>
    <message>
        <source>after {date}</source>
        <translation>después de {date}</translation>
    </message>
    <message>
        <source>in a moment</source>
        <translation>en un momento</translation>
    </message>
    <message>
        <source>the key it has is refused</source>
        <translation>rechaza la clave que tiene</translation>
    </message>
    <message>
        <source>it asks for an API key and none is set</source>
        <translation>pide una clave de la API y no hay ninguna</translation>
    </message>
    <message>
        <source>{name} did not accept the request ({detail}): {ask}. Set the right key for it in Chat ▸ Providers…, or with: slice-chat providers add &quot;{name}&quot; {url} --replace --key-stdin</source>
        <translation>{name} no ha aceptado la petición ({detail}): {ask}. Pon la clave correcta en Chat ▸ Proveedores… o con: slice-chat providers add &quot;{name}&quot; {url} --replace --key-stdin</translation>
    </message>
    <message>
        <source>{name} has no model &apos;{model}&apos; ({detail}): it may have been removed or renamed. Pick another of its models (slice-chat providers list shows them).</source>
        <translation>{name} no tiene el modelo “{model}” ({detail}): puede que se haya quitado o renombrado. Elige otro de sus modelos (slice-chat providers list los muestra).</translation>
    </message>
    <message>
        <source>{name} has nothing at {url} for this request ({detail}): check the provider&apos;s base URL (it usually ends in /v1), or pick another of its models.</source>
        <translation>{name} no tiene nada en {url} para esta petición ({detail}): comprueba la URL base del proveedor (suele terminar en /v1) o elige otro de sus modelos.</translation>
    </message>
    <message>
        <source>{name} is limiting how many requests it takes ({detail}). Try again {when}.</source>
        <translation>{name} está limitando cuántas peticiones acepta ({detail}). Vuelve a intentarlo {when}.</translation>
    </message>
    <message>
        <source>{name} failed to answer ({detail}). Try again {when}; if it keeps failing, look at the server&apos;s own log.</source>
        <translation>{name} no ha podido responder ({detail}). Vuelve a intentarlo {when}; si sigue fallando, mira el registro del propio servidor.</translation>
    </message>
    <message>
        <source>{name} refused a request this large ({detail}): shorten the conversation, or start a new chat.</source>
        <translation>{name} ha rechazado una petición tan grande ({detail}): acorta la conversación o empieza un chat nuevo.</translation>
    </message>
    <message>
        <source>{name} refused the request ({detail}): change what it names (a setting, or the conversation&apos;s length) and try again.</source>
        <translation>{name} ha rechazado la petición ({detail}): cambia lo que indica (un ajuste o la longitud de la conversación) y vuelve a intentarlo.</translation>
    </message>
    <message>
        <source>{name} at {host} did not take the connection within {seconds} s: check that the machine is on and reachable (a firewall may drop the connection).</source>
        <translation>{name} en {host} no ha aceptado la conexión en {seconds} s: comprueba que el equipo está encendido y accesible (un cortafuegos puede descartar la conexión).</translation>
    </message>
    <message>
        <source>The name &apos;{host}&apos; of {name} could not be found (DNS): check the spelling of its base URL, or use the machine&apos;s IP address.</source>
        <translation>No se ha encontrado el nombre “{host}” de {name} (DNS): revisa cómo está escrita su URL base o usa la dirección IP del equipo.</translation>
    </message>
    <message>
        <source>{name} refused the connection at {host}: is its server running, and listening on that address? (slice-chat serve and llama-server listen only on 127.0.0.1 unless started with --host 0.0.0.0.)</source>
        <translation>{name} ha rechazado la conexión en {host}: ¿está en marcha su servidor y escucha en esa dirección? (slice-chat serve y llama-server solo escuchan en 127.0.0.1 salvo que se inicien con --host 0.0.0.0.)</translation>
    </message>
    <message>
        <source>verification failed</source>
        <translation>la verificación ha fallado</translation>
    </message>
    <message>
        <source>The certificate of {name} at {host} cannot be trusted ({reason}). If it is a self-signed certificate you trust, untick “Verify TLS certificates” for it in Chat ▸ Providers… (or add it with --insecure); otherwise fix the server&apos;s certificate.</source>
        <translation>No se puede confiar en el certificado de {name} en {host} ({reason}). Si es un certificado autofirmado en el que confías, desmarca “Verificar los certificados TLS” para él en Chat ▸ Proveedores… (o añádelo con --insecure); si no, arregla el certificado del servidor.</translation>
    </message>
    <message>
        <source>{name} at {host} does not speak HTTPS ({reason}): use http:// in its base URL (on a network you trust), or turn TLS on in the server.</source>
        <translation>{name} en {host} no habla HTTPS ({reason}): usa http:// en su URL base (en una red de confianza) o activa TLS en el servidor.</translation>
    </message>
    <message>
        <source>The secure connection to {name} at {host} failed ({reason}): check the server&apos;s TLS setup, or its base URL.</source>
        <translation>La conexión segura con {name} en {host} ha fallado ({reason}): revisa la configuración TLS del servidor o su URL base.</translation>
    </message>
    <message>
        <source>Cannot reach {name} at {host} ({reason}): check the network connection and the provider&apos;s base URL.</source>
        <translation>No se puede llegar a {name} en {host} ({reason}): comprueba la conexión de red y la URL base del proveedor.</translation>
    </message>
    <message>
        <source>The reply was cut off: the connection to {name} broke ({reason}). The text so far is kept; try again when the server is back.</source>
        <translation>La respuesta se ha cortado: la conexión con {name} se ha roto ({reason}). El texto hasta ahora se conserva; vuelve a intentarlo cuando el servidor vuelva.</translation>
    </message>
    <message>
        <source>{name} at {host} did not answer in time ({reason}): try again; if it keeps happening, check the server.</source>
        <translation>{name} en {host} no ha respondido a tiempo ({reason}): vuelve a intentarlo; si sigue pasando, revisa el servidor.</translation>
    </message>
    <message>
        <source>{name}&apos;s base URL cannot be used ({reason}): edit it in Chat ▸ Providers…</source>
        <translation>La URL base de {name} no se puede usar ({reason}): edítala en Chat ▸ Proveedores…</translation>
    </message>
    <message>
        <source>The connection to {name} at {host} broke before it answered ({reason}): try again; if it keeps happening, check the server and the network.</source>
        <translation>La conexión con {name} en {host} se ha roto antes de responder ({reason}): vuelve a intentarlo; si sigue pasando, revisa el servidor y la red.</translation>
    </message>
    <message>
        <source>the server closed the connection</source>
        <translation>el servidor ha cerrado la conexión</translation>
    </message>
    <message>
        <source>the connection was reset</source>
        <translation>la otra parte ha reiniciado la conexión</translation>
    </message>
    <message>
        <source>The reply was cut off: {name} sent nothing for {seconds} s. The text so far is kept; try again, and if it keeps happening check the server.</source>
        <translation>La respuesta se ha cortado: {name} no ha enviado nada durante {seconds} s. El texto hasta ahora se conserva; vuelve a intentarlo y, si sigue pasando, revisa el servidor.</translation>
    </message>
    <message>
        <source>{name} sent no reply within {seconds} s: it may be busy with other requests, or stuck. Try again, or check the server.</source>
        <translation>{name} no ha enviado respuesta en {seconds} s: puede que esté ocupado con otras peticiones o atascado. Vuelve a intentarlo o revisa el servidor.</translation>
    </message>
    <message>
        <source>The chat database was damaged ({problem}). Slice restored the backup of {when}; changes made after that backup are not in it. The damaged file was kept as {damaged}.</source>
        <translation>La base de datos de chats estaba dañada ({problem}). Slice ha restaurado la copia de seguridad del {when}; los cambios posteriores a esa copia no están en ella. El archivo dañado se ha guardado como {damaged}.</translation>
    </message>
    <message>
        <source>The chat database was damaged ({problem}) and no usable backup was found, so Slice started a new one. The damaged file was kept as {damaged}.</source>
        <translation>La base de datos de chats estaba dañada ({problem}) y no se encontró ninguna copia de seguridad utilizable, así que Slice ha empezado una nueva. El archivo dañado se ha guardado como {damaged}.</translation>
    </message>
    <message>
        <source>TTFT</source>
        <translation>TTFT</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Carga</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Prompt tok/s</source>
        <translation>Prompt tok/s</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>Generados</translation>
    </message>
    <message>
        <source>Gen tok/s</source>
        <translation>Gen. tok/s</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Contexto</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>Memoria máxima</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Parada</translation>
    </message>
    <message>
        <source>not run</source>
        <translation>no ejecutado</translation>
    </message>
    <message>
        <source>{prompt} ({cached} cached)</source>
        <translation>{prompt} ({cached} en caché)</translation>
    </message>
    <message>
        <source>speeds from the server</source>
        <translation>velocidades del servidor</translation>
    </message>
    <message>
        <source>speeds measured here</source>
        <translation>velocidades medidas aquí</translation>
    </message>
    <message>
        <source>peak resident memory of the model process (VmHWM, reset for this target)</source>
        <translation>memoria residente máxima del proceso del modelo (VmHWM, reiniciada para este objetivo)</translation>
    </message>
    <message>
        <source>highest resident memory of the model process seen every 0.25 s (VmRSS; this system does not let Slice reset VmHWM)</source>
        <translation>memoria residente más alta del proceso del modelo vista cada 0,25 s (VmRSS; este sistema no deja a Slice reiniciar VmHWM)</translation>
    </message>
    <message>
        <source>not measured: Slice reads a process&apos;s peak memory on Linux only</source>
        <translation>no medida: Slice lee la memoria máxima de un proceso solo en Linux</translation>
    </message>
    <message>
        <source>not measured: the model process was not running</source>
        <translation>no medida: el proceso del modelo no estaba en marcha</translation>
    </message>
    <message>
        <source>not measured: the model runs on {provider}&apos;s server</source>
        <translation>no medida: el modelo se ejecuta en el servidor de {provider}</translation>
    </message>
    <message>
        <source>Same model, every quantization in the library</source>
        <translation>Mismo modelo, cada cuantización de la biblioteca</translation>
    </message>
    <message>
        <source>Same model, KV cache f16 vs q8_0</source>
        <translation>Mismo modelo, caché KV f16 frente a q8_0</translation>
    </message>
    <message>
        <source>Speculative decoding on vs off</source>
        <translation>Decodificación especulativa activada frente a desactivada</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Intro</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Enviar el mensaje</translation>
    </message>
    <message>
        <source>Shift+Enter</source>
        <translation>Mayús+Intro</translation>
    </message>
    <message>
        <source>Start a new line in the message</source>
        <translation>Empezar una línea nueva en el mensaje</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Stop the reply · cancel an edit · leave the search</source>
        <translation>Detener la respuesta · cancelar una edición · salir de la búsqueda</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Nuevo chat</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Search all chats</source>
        <translation>Buscar en todos los chats</translation>
    </message>
    <message>
        <source>Ctrl+Up / Ctrl+Down</source>
        <translation>Ctrl+Flecha arriba / Ctrl+Flecha abajo</translation>
    </message>
    <message>
        <source>Previous / next chat</source>
        <translation>Chat anterior / siguiente</translation>
    </message>
    <message>
        <source>F2</source>
        <translation>F2</translation>
    </message>
    <message>
        <source>Rename the chat</source>
        <translation>Renombrar el chat</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supr</translation>
    </message>
    <message>
        <source>Delete the chat (in the chat list)</source>
        <translation>Eliminar el chat (en la lista de chats)</translation>
    </message>
    <message>
        <source>Ctrl+Z</source>
        <translation>Ctrl+Z</translation>
    </message>
    <message>
        <source>Undo deleting a chat</source>
        <translation>Deshacer la eliminación de un chat</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Ctrl+,</translation>
    </message>
    <message>
        <source>Chat settings: system prompt, sampling, presets</source>
        <translation>Ajustes del chat: instrucciones del sistema, muestreo, preajustes</translation>
    </message>
    <message>
        <source>Ctrl+Shift+K</source>
        <translation>Ctrl+Mayús+K</translation>
    </message>
    <message>
        <source>Compare models and settings side by side</source>
        <translation>Comparar modelos y ajustes lado a lado</translation>
    </message>
    <message>
        <source>Tab, then Enter</source>
        <translation>Tab y luego Intro</translation>
    </message>
    <message>
        <source>Reach and use a message&apos;s links (copy, edit, versions…)</source>
        <translation>Llegar a los enlaces de un mensaje y usarlos (copiar, editar, versiones…)</translation>
    </message>
    <message>
        <source>F1 or ?</source>
        <translation>F1 o ?</translation>
    </message>
    <message>
        <source>This list</source>
        <translation>Esta lista</translation>
    </message>
    <message>
        <source>Ctrl+Q</source>
        <translation>Ctrl+Q</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Alt+Up / Alt+Down</source>
        <translation>Alt+Flecha arriba / Alt+Flecha abajo</translation>
    </message>
    <message>
        <source>Previous / next message (then Tab reaches its actions)</source>
        <translation>Mensaje anterior / siguiente (luego Tab llega a sus acciones)</translation>
    </message>
    <message>
        <source>Ctrl+Tab</source>
        <translation>Ctrl+Tab</translation>
    </message>
    <message>
        <source>Leave the conversation (Tab goes from link to link in it)</source>
        <translation>Salir de la conversación (Tab va de enlace en enlace dentro de ella)</translation>
    </message>
    <message>
        <source>Ctrl++ / Ctrl+-</source>
        <translation>Ctrl++ / Ctrl+-</translation>
    </message>
    <message>
        <source>Larger / smaller text</source>
        <translation>Texto más grande / más pequeño</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>Text at its usual size</source>
        <translation>Texto a su tamaño normal</translation>
    </message>
</context>
<context>
    <name>ChatListModel</name>
    <message>
        <source>Untitled chat</source>
        <translation>Chat sin título</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Ayer</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>Previous 30 days</source>
        <translation>Últimos 30 días</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>Más antiguos</translation>
    </message>
    <message>
        <source>{title}
Last active {stamp} · chat {id}</source>
        <extracomment>A rename was refused; the message says why. A chat was renamed in place (its id).</extracomment>
        <translation>{title}
Última actividad {stamp} · chat {id}</translation>
    </message>
    <message>
        <source>{title} (group)</source>
        <translation>{title} (grupo)</translation>
    </message>
</context>
<context>
    <name>ChatSettingsDialog</name>
    <message>
        <source>Chat settings</source>
        <translation>Ajustes del chat</translation>
    </message>
    <message>
        <source>This chat has its own system prompt</source>
        <translation>Este chat tiene sus propias instrucciones del sistema</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Instrucciones del sistema</translation>
    </message>
    <message>
        <source>Instructions the model gets before the conversation</source>
        <translation>Instrucciones que recibe el modelo antes de la conversación</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Preajuste</translation>
    </message>
    <message>
        <source>Save as preset…</source>
        <translation>Guardar como preajuste…</translation>
    </message>
    <message>
        <source>Delete preset</source>
        <translation>Eliminar preajuste</translation>
    </message>
    <message>
        <source>Show the model&apos;s thinking opened</source>
        <translation>Mostrar el razonamiento del modelo desplegado</translation>
    </message>
    <message>
        <source>Reasoning models think before they answer. On: each reply shows its thinking above the answer. Off: the thinking is folded to one line (“Thought for 4.2 s”) that opens it.</source>
        <translation>Los modelos de razonamiento piensan antes de responder. Activado: cada respuesta muestra su razonamiento encima. Desactivado: el razonamiento se pliega en una línea (“Pensó durante 4,2 s”) que lo abre.</translation>
    </message>
    <message>
        <source>Choose a name that is not a built-in preset&apos;s.</source>
        <translation>Elige un nombre que no sea el de un preajuste incluido.</translation>
    </message>
    <message>
        <source>The model&apos;s recommendation ({source}): {values}.</source>
        <translation>Recomendación del modelo ({source}): {values}.</translation>
    </message>
    <message>
        <source>{default} (the model&apos;s recommendation)</source>
        <translation>{default} (recomendación del modelo)</translation>
    </message>
    <message>
        <source>Changed from the preset: </source>
        <translation>Cambiado respecto al preajuste: </translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>Guardar preajuste</translation>
    </message>
    <message>
        <source>Name of the new preset:</source>
        <translation>Nombre del preajuste nuevo:</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Conversation</source>
        <translation>Conversación</translation>
    </message>
    <message>
        <source>Alt+Up and Alt+Down move from message to message; Tab then reaches the message&apos;s actions, Enter uses one.</source>
        <translation>Alt+Flecha arriba y Alt+Flecha abajo van de mensaje en mensaje; luego Tab llega a las acciones del mensaje y Intro usa una.</translation>
    </message>
    <message>
        <source>↑ Show earlier messages ({count} more)</source>
        <translation>↑ Mostrar mensajes anteriores ({count} más)</translation>
    </message>
    <message>
        <source>Show the messages before these</source>
        <translation>Mostrar los mensajes anteriores a estos</translation>
    </message>
    <message>
        <source>↓ Show later messages ({count} more)</source>
        <translation>↓ Mostrar mensajes posteriores ({count} más)</translation>
    </message>
    <message>
        <source>Show the messages after these</source>
        <translation>Mostrar los mensajes posteriores a estos</translation>
    </message>
    <message>
        <source>{author}, message {n} of {total}: {text}</source>
        <translation>{author}, mensaje {n} de {total}: {text}</translation>
    </message>
    <message>
        <source>Message copied</source>
        <translation>Mensaje copiado</translation>
    </message>
    <message>
        <source>Code copied</source>
        <translation>Código copiado</translation>
    </message>
</context>
<context>
    <name>ChatWindow</name>
    <message>
        <source>Stopping…</source>
        <extracomment>The user changed the app settings (app.settings.Settings); the owner saves them.</extracomment>
        <translation>Deteniendo…</translation>
    </message>
    <message>
        <source>Chat settings</source>
        <translation>Ajustes del chat</translation>
    </message>
    <message>
        <source>System prompt, sampling and presets (Ctrl+,)</source>
        <translation>Instrucciones del sistema, muestreo y preajustes (Ctrl+,)</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Nuevo chat</translation>
    </message>
    <message>
        <source>Start an empty conversation (Ctrl+N)</source>
        <translation>Empezar una conversación vacía (Ctrl+N)</translation>
    </message>
    <message>
        <source>The conversation filled the model&apos;s context. Start a new chat.</source>
        <translation>La conversación ha llenado el contexto del modelo. Empieza un chat nuevo.</translation>
    </message>
    <message>
        <source>{model} of the provider {provider}, which is no longer in Chat ▸ Providers…</source>
        <translation>{model} del proveedor {provider}, que ya no está en Chat ▸ Proveedores…</translation>
    </message>
    <message>
        <source>{file}, which is not in the model list</source>
        <translation>{file}, que no está en la lista de modelos</translation>
    </message>
    <message>
        <source>This chat was written with {where}; new replies come from {model}.</source>
        <translation>Este chat se escribió con {where}; las respuestas nuevas vienen de {model}.</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>ningún modelo</translation>
    </message>
</context>
<context>
    <name>CompareChart</name>
    <message>
        <source>Chart of the comparison</source>
        <extracomment>One colour per column, the same in the view&apos;s headings and the chart.</extracomment>
        <translation>Gráfico de la comparación</translation>
    </message>
</context>
<context>
    <name>CompareWindow</name>
    <message>
        <source>Compare models and settings</source>
        <translation>Comparar modelos y ajustes</translation>
    </message>
    <message>
        <source>Saved comparisons</source>
        <translation>Comparaciones guardadas</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nueva</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>&lt;b&gt;Saved comparisons&lt;/b&gt;</source>
        <translation>&lt;b&gt;Comparaciones guardadas&lt;/b&gt;</translation>
    </message>
    <message>
        <source>The prompt every target answers</source>
        <translation>El prompt al que responde cada objetivo</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>Opcional</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Instrucciones del sistema</translation>
    </message>
    <message>
        <source>each target&apos;s own</source>
        <translation>la de cada objetivo</translation>
    </message>
    <message>
        <source>each model&apos;s own</source>
        <translation>el de cada modelo</translation>
    </message>
    <message>
        <source>Start from…</source>
        <translation>Partir de…</translation>
    </message>
    <message>
        <source>Fill the targets from the model of target 1</source>
        <translation>Rellenar los objetivos a partir del modelo del objetivo 1</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Semilla</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Máximo de tokens</translation>
    </message>
    <message>
        <source>Add target</source>
        <translation>Añadir objetivo</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ejecutar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportar…</translation>
    </message>
    <message>
        <source>A comparison takes at most %1 targets.</source>
        <translation>Una comparación admite como máximo %1 objetivos.</translation>
    </message>
    <message>
        <source>A comparison needs at least %1 targets.</source>
        <translation>Una comparación necesita al menos %1 objetivos.</translation>
    </message>
    <message>
        <source>Pick target 1&apos;s model first.</source>
        <translation>Elige primero el modelo del objetivo 1.</translation>
    </message>
    <message>
        <source>Stop the comparison that runs first.</source>
        <translation>Detén primero la comparación en curso.</translation>
    </message>
    <message>
        <source>Not run yet.</source>
        <translation>Aún no ejecutada.</translation>
    </message>
    <message>
        <source>Run %1 times; the latest is shown.</source>
        <translation>Ejecutada %1 veces; se muestra la última.</translation>
    </message>
    <message>
        <source>Run once; shown here.</source>
        <translation>Ejecutada una vez; se muestra aquí.</translation>
    </message>
    <message>
        <source>Running one target after another…</source>
        <translation>Ejecutando un objetivo tras otro…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Deteniendo…</translation>
    </message>
    <message>
        <source>Stopped; what ran is saved.</source>
        <translation>Detenida; lo ejecutado está guardado.</translation>
    </message>
    <message>
        <source>Done; %1 of the targets failed (see their columns).</source>
        <translation>Hecho; %1 de los objetivos fallaron (mira sus columnas).</translation>
    </message>
    <message>
        <source>Done; saved.</source>
        <translation>Hecho; guardada.</translation>
    </message>
    <message>
        <source>not run yet</source>
        <translation>aún no ejecutada</translation>
    </message>
    <message>
        <source>1 run</source>
        <translation>1 ejecución</translation>
    </message>
    <message>
        <source>%1 runs</source>
        <translation>%1 ejecuciones</translation>
    </message>
    <message>
        <source>%1
%2 targets · %3</source>
        <translation>%1
%2 objetivos · %3</translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>Volver a ejecutar</translation>
    </message>
    <message>
        <source>Run the comparison first: there is nothing to export.</source>
        <translation>Ejecuta primero la comparación: no hay nada que exportar.</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>No se pudo escribir %1: %2</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportada a %1</translation>
    </message>
    <message>
        <source>Export the comparison</source>
        <translation>Exportar la comparación</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Editing a message: Enter sends it as a new version, Esc cancels.</source>
        <translation>Editando un mensaje: Intro lo envía como versión nueva, Esc cancela.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>Enviar mensaje</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>Enviar el mensaje (Intro)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>Stop reply</source>
        <translation>Detener la respuesta</translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation>Detener la respuesta (Esc)</translation>
    </message>
    <message>
        <source>Send edit</source>
        <translation>Enviar edición</translation>
    </message>
</context>
<context>
    <name>ConversationActions</name>
    <message>
        <source>A reply is being written: wait for it, or press Esc to stop it.</source>
        <translation>Se está escribiendo una respuesta: espérala o pulsa Esc para detenerla.</translation>
    </message>
    <message>
        <source>{reason} Nothing was sent.</source>
        <translation>{reason} No se ha enviado nada.</translation>
    </message>
    <message>
        <source>Choose a model first.</source>
        <translation>Elige primero un modelo.</translation>
    </message>
</context>
<context>
    <name>DownloadPanel</name>
    <message>
        <source>Most downloads</source>
        <translation>Más descargas</translation>
    </message>
    <message>
        <source>Most likes</source>
        <translation>Más “me gusta”</translation>
    </message>
    <message>
        <source>Recently updated</source>
        <translation>Actualizados recientemente</translation>
    </message>
    <message>
        <source>Search GGUF models on Hugging Face (e.g. qwen, llama)</source>
        <translation>Buscar modelos GGUF en Hugging Face (p. ej., qwen, llama)</translation>
    </message>
    <message>
        <source>Search models</source>
        <translation>Buscar modelos</translation>
    </message>
    <message>
        <source>Sort results</source>
        <translation>Ordenar resultados</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Starting models</source>
        <translation>Modelos para empezar</translation>
    </message>
    <message>
        <source>A few good models to begin with, small to large</source>
        <translation>Algunos buenos modelos para empezar, de pequeños a grandes</translation>
    </message>
    <message>
        <source>Repositories</source>
        <translation>Repositorios</translation>
    </message>
    <message>
        <source>Choose a model on the left.</source>
        <translation>Elige un modelo a la izquierda.</translation>
    </message>
    <message>
        <source>Model card</source>
        <translation>Ficha del modelo</translation>
    </message>
    <message>
        <source>GGUF files by quantization</source>
        <translation>Archivos GGUF por cuantización</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Cabe</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Descargar</translation>
    </message>
    <message>
        <source>Access token for gated or private models (hf_…)</source>
        <translation>Token de acceso para modelos restringidos o privados (hf_…)</translation>
    </message>
    <message>
        <source>Hugging Face access token</source>
        <translation>Token de acceso de Hugging Face</translation>
    </message>
    <message>
        <source>A token is saved; type a new one to replace it</source>
        <translation>Hay un token guardado; escribe uno nuevo para sustituirlo</translation>
    </message>
    <message>
        <source>Save token</source>
        <translation>Guardar token</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Descargas</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Quitar las terminadas</translation>
    </message>
    <message>
        <source>Download progress</source>
        <translation>Progreso de la descarga</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Searching for “{text}”…</source>
        <translation>Buscando “{text}”…</translation>
    </message>
    <message numerus="yes">
        <source>%n repositories.</source>
        <translation>
            <numerusform>%n repositorio.</numerusform>
            <numerusform>%n repositorios.</numerusform>
        </translation>
    </message>
    <message>
        <source>No GGUF repositories match “{text}”.</source>
        <translation>Ningún repositorio GGUF coincide con “{text}”.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source> · gated (access granted on request)</source>
        <translation> · restringido (acceso bajo solicitud)</translation>
    </message>
    <message>
        <source> · gated (the authors approve each request)</source>
        <translation> · restringido (los autores aprueban cada solicitud)</translation>
    </message>
    <message>
        <source>Licence: {licence}</source>
        <translation>Licencia: {licence}</translation>
    </message>
    <message>
        <source>not stated</source>
        <translation>no indicada</translation>
    </message>
    <message>
        <source> · private</source>
        <translation> · privado</translation>
    </message>
    <message>
        <source> · {downloads} downloads · {likes} likes · commit {commit}</source>
        <translation> · {downloads} descargas · {likes} “me gusta” · commit {commit}</translation>
    </message>
    <message>
        <source>*This repository has no model card.*</source>
        <translation>*Este repositorio no tiene ficha del modelo.*</translation>
    </message>
    <message numerus="yes">
        <source> (%n part(s))</source>
        <translation>
            <numerusform> (%n parte)</numerusform>
            <numerusform> (%n partes)</numerusform>
        </translation>
    </message>
    <message>
        <source>Estimate before download: {fit}</source>
        <translation>Estimación antes de descargar: {fit}</translation>
    </message>
    <message>
        <source>This repository has no GGUF model files Slice can download.</source>
        <translation>Este repositorio no tiene archivos de modelo GGUF que Slice pueda descargar.</translation>
    </message>
    <message>
        <source>Downloading {file} ({size}).</source>
        <translation>Descargando {file} ({size}).</translation>
    </message>
    <message>
        <source>Token saved in {place}.</source>
        <translation>Token guardado en {place}.</translation>
    </message>
    <message>
        <source>Token removed.</source>
        <translation>Token eliminado.</translation>
    </message>
    <message>
        <source>Downloading {file}</source>
        <translation>Descargando {file}</translation>
    </message>
    <message>
        <source>Downloading {count} files</source>
        <translation>Descargando {count} archivos</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>English</source>
        <extracomment>Each catalogue names its own language, in that language, as this word&apos;s translation.</extracomment>
        <translation>Español</translation>
    </message>
</context>
<context>
    <name>LibraryModel</name>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Arquitectura</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parámetros</translation>
    </message>
    <message>
        <source>Quant</source>
        <translation>Cuant.</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Contexto</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Plantilla</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licencia</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Origen</translation>
    </message>
    <message numerus="yes">
        <source> (%n file(s))</source>
        <extracomment>The entry of a row, for any column (a ModelEntry).</extracomment>
        <translation>
            <numerusform> (%n archivo)</numerusform>
            <numerusform> (%n archivos)</numerusform>
        </translation>
    </message>
    <message>
        <source>in file</source>
        <translation>en el archivo</translation>
    </message>
    <message>
        <source>fallback</source>
        <translation>de reserva</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <source>computing…</source>
        <translation>calculando…</translation>
    </message>
</context>
<context>
    <name>LoadSettingsDialog</name>
    <message>
        <source>Stop at the limit</source>
        <translation>Parar en el límite</translation>
    </message>
    <message>
        <source>Drop the oldest turns, keep the system prompt</source>
        <translation>Descartar los turnos más antiguos, conservar las instrucciones del sistema</translation>
    </message>
    <message>
        <source>Rolling window (the oldest messages drop out first)</source>
        <translation>Ventana deslizante (los mensajes más antiguos salen primero)</translation>
    </message>
    <message>
        <source>Model settings</source>
        <translation>Ajustes del modelo</translation>
    </message>
    <message>
        <source> Models &gt; Check shows the count Auto picks.</source>
        <translation> Modelos &gt; Comprobar muestra el número que elige Auto.</translation>
    </message>
    <message>
        <source> This build of llama.cpp has no GPU backend: the model runs on the CPU whatever this says.</source>
        <translation> Esta compilación de llama.cpp no tiene backend de GPU: el modelo se ejecuta en la CPU diga lo que diga esto.</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Clear the cache</source>
        <translation>Vaciar la caché</translation>
    </message>
    <message>
        <source>Delete every chat&apos;s saved cache, in memory and on disk: the next reply in each chat processes its history again. Nothing of the chats themselves is lost.</source>
        <translation>Borrar la caché guardada de cada chat, en memoria y en disco: la siguiente respuesta de cada chat vuelve a procesar su historial. No se pierde nada de los chats en sí.</translation>
    </message>
    <message>
        <source>Chat cache on disk</source>
        <translation>Caché de chats en disco</translation>
    </message>
    <message>
        <source>Cleared: nothing.</source>
        <translation>Vaciada: nada.</translation>
    </message>
    <message>
        <source>On disk now: nothing.</source>
        <translation>En disco ahora: nada.</translation>
    </message>
    <message numerus="yes">
        <source>Cleared: %n chat(s), {size} MB.</source>
        <translation>
            <numerusform>Vaciada: %n chat, {size} MB.</numerusform>
            <numerusform>Vaciada: %n chats, {size} MB.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>On disk now: %n chat(s), {size} MB.</source>
        <translation>
            <numerusform>En disco ahora: %n chat, {size} MB.</numerusform>
            <numerusform>En disco ahora: %n chats, {size} MB.</numerusform>
        </translation>
    </message>
    <message>
        <source>: turn it on or choose f16.</source>
        <translation>: actívala o elige f16.</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>Zoom &amp;in</source>
        <translation>A&amp;mpliar</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>&amp;Reducir</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>Tamaño &amp;normal</translation>
    </message>
    <message>
        <source>Previous &amp;message</source>
        <translation>Mensaje anteri&amp;or</translation>
    </message>
    <message>
        <source>Next m&amp;essage</source>
        <translation>Mensaje si&amp;guiente</translation>
    </message>
    <message>
        <source>Text size {percent} %</source>
        <translation>Tamaño del texto {percent} %</translation>
    </message>
</context>
<context>
    <name>MessageBox</name>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>Message the model…  (Enter to send, Shift+Enter for a new line)</source>
        <translation>Escribe al modelo…  (Intro para enviar, Mayús+Intro para una línea nueva)</translation>
    </message>
</context>
<context>
    <name>MessageObjects</name>
    <message>
        <source>{author}: {words}</source>
        <translation>{author}: {words}</translation>
    </message>
    <message>
        <source>message {n} of {total}</source>
        <translation>mensaje {n} de {total}</translation>
    </message>
    <message>
        <source>version {n} of {count}</source>
        <translation>versión {n} de {count}</translation>
    </message>
    <message>
        <source>being written</source>
        <translation>escribiéndose</translation>
    </message>
    <message>
        <source>Hide thinking</source>
        <translation>Ocultar el razonamiento</translation>
    </message>
    <message>
        <source>Show thinking</source>
        <translation>Mostrar el razonamiento</translation>
    </message>
    <message>
        <source>Copy code block {n}</source>
        <translation>Copiar el bloque de código {n}</translation>
    </message>
    <message>
        <source>Copy this code block</source>
        <translation>Copiar este bloque de código</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>Open GGUF file…</source>
        <translation>Abrir archivo GGUF…</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>The model that answers. Pick one, or open a GGUF file to add it.</source>
        <translation>El modelo que responde. Elige uno o abre un archivo GGUF para añadirlo.</translation>
    </message>
    <message>
        <source>No model: open a GGUF file</source>
        <translation>Sin modelo: abre un archivo GGUF</translation>
    </message>
    <message>
        <source>{model} on {provider}</source>
        <translation>{model} en {provider}</translation>
    </message>
    <message>
        <source>{model} on {provider} (not listed by it now)</source>
        <translation>{model} en {provider} (ahora no lo lista)</translation>
    </message>
    <message>
        <source>Open a GGUF model</source>
        <translation>Abrir un modelo GGUF</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>Modelos GGUF (*.gguf)</translation>
    </message>
    <message>
        <source>Could not open {file}: {reason}</source>
        <translation>No se pudo abrir {file}: {reason}</translation>
    </message>
</context>
<context>
    <name>ModelSelection</name>
    <message>
        <source>This model file has no chat template; Slice uses a standard one, so replies may be off.</source>
        <translation>Este archivo de modelo no tiene plantilla de chat; Slice usa una estándar, así que las respuestas pueden desviarse.</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modelo</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>Modelos…</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelos</translation>
    </message>
    <message>
        <source>The model library, and downloads from Hugging Face</source>
        <translation>La biblioteca de modelos y las descargas de Hugging Face</translation>
    </message>
    <message>
        <source>Model settings…</source>
        <translation>Ajustes del modelo…</translation>
    </message>
    <message>
        <source>Model settings</source>
        <translation>Ajustes del modelo</translation>
    </message>
    <message>
        <source>Context size, threads, GPU layers, KV cache, context overflow, speculative decoding</source>
        <translation>Tamaño del contexto, hilos, capas en la GPU, caché KV, desbordamiento del contexto, decodificación especulativa</translation>
    </message>
    <message>
        <source>Chat template note: {note}</source>
        <translation>Nota sobre la plantilla de chat: {note}</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <source>Models</source>
        <translation>Modelos</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Biblioteca</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Descargar</translation>
    </message>
</context>
<context>
    <name>ModelsView</name>
    <message>
        <source>Models in the library</source>
        <translation>Modelos de la biblioteca</translation>
    </message>
    <message>
        <source>Model details</source>
        <translation>Detalles del modelo</translation>
    </message>
    <message>
        <source>Select a model to see its details.</source>
        <translation>Selecciona un modelo para ver sus detalles.</translation>
    </message>
    <message>
        <source>Use in this chat</source>
        <translation>Usar en este chat</translation>
    </message>
    <message>
        <source>Set as default</source>
        <translation>Fijar como predeterminado</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Comprobar</translation>
    </message>
    <message>
        <source>Pre-load check: header, memory, and a trial load</source>
        <translation>Comprobación previa: cabecera, memoria y una carga de prueba</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Mostrar en la carpeta</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Eliminar…</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>Importar archivos…</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Añadir carpeta…</translation>
    </message>
    <message>
        <source>Watch a folder: its GGUF files are added to the library</source>
        <translation>Vigilar una carpeta: sus archivos GGUF se añaden a la biblioteca</translation>
    </message>
    <message>
        <source>Checking {model}: reading its header, then a trial load…</source>
        <translation>Comprobando {model}: leyendo su cabecera y luego una carga de prueba…</translation>
    </message>
    <message>
        <source>The check failed: {reason}</source>
        <translation>La comprobación ha fallado: {reason}</translation>
    </message>
    <message>
        <source>Check passed: </source>
        <translation>Comprobación superada: </translation>
    </message>
    <message>
        <source>Do not load: </source>
        <translation>No cargar: </translation>
    </message>
    <message>
        <source>Delete {model}?

Its file ({size}) will be deleted from disk:
{path}</source>
        <translation>¿Eliminar {model}?

Su archivo ({size}) se borrará del disco:
{path}</translation>
    </message>
    <message>
        <source>Remove {model} from the library?

The file stays where it is:
{path}</source>
        <translation>¿Quitar {model} de la biblioteca?

El archivo se queda donde está:
{path}</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>Eliminar modelo</translation>
    </message>
    <message>
        <source>Could not delete {path}: {reason}.</source>
        <translation>No se pudo eliminar {path}: {reason}.</translation>
    </message>
    <message>
        <source>{model} was deleted.</source>
        <translation>{model} se ha eliminado.</translation>
    </message>
    <message>
        <source>{model} was removed from the library.</source>
        <translation>{model} se ha quitado de la biblioteca.</translation>
    </message>
    <message>
        <source>Import GGUF models</source>
        <translation>Importar modelos GGUF</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>Modelos GGUF (*.gguf)</translation>
    </message>
    <message>
        <source>Watch a folder of GGUF models</source>
        <translation>Vigilar una carpeta de modelos GGUF</translation>
    </message>
    <message numerus="yes">
        <source>Added %n model(s).</source>
        <translation>
            <numerusform>Se ha añadido %n modelo.</numerusform>
            <numerusform>Se han añadido %n modelos.</numerusform>
        </translation>
    </message>
    <message>
        <source>File: {path}</source>
        <translation>Archivo: {path}</translation>
    </message>
    <message>
        <source>Origin: {origin}</source>
        <translation>Origen: {origin}</translation>
    </message>
    <message>
        <source>SHA-256: {hash}</source>
        <translation>SHA-256: {hash}</translation>
    </message>
    <message>
        <source>being computed…</source>
        <translation>calculándose…</translation>
    </message>
    <message>
        <source>Slice opens with this model.</source>
        <translation>Slice se abre con este modelo.</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Close notice</source>
        <translation>Cerrar aviso</translation>
    </message>
    <message>
        <source>Notice: {text}</source>
        <translation>Aviso: {text}</translation>
    </message>
</context>
<context>
    <name>ProviderEditor</name>
    <message>
        <source>⚠ Slice will not check this server&apos;s certificate: anyone on the network path could read and change what is sent, the key included. Untick this only for a self-signed certificate you trust.</source>
        <translation>⚠ Slice no comprobará el certificado de este servidor: cualquiera en el camino de red podría leer y cambiar lo que se envía, incluida la clave. Desmarca esto solo para un certificado autofirmado en el que confíes.</translation>
    </message>
    <message>
        <source>Edit {name}</source>
        <translation>Editar {name}</translation>
    </message>
    <message>
        <source>Add a provider</source>
        <translation>Añadir un proveedor</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>What the model list calls it: letters, digits, spaces, . _ -</source>
        <translation>Cómo lo llama la lista de modelos: letras, dígitos, espacios, . _ -</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>URL base</translation>
    </message>
    <message>
        <source>Where its OpenAI-compatible routes are; a URL without a path gets /v1</source>
        <translation>Dónde están sus rutas compatibles con OpenAI; a una URL sin ruta se le añade /v1</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Clave de la API</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Mostrar</translation>
    </message>
    <message>
        <source>Show the key you type</source>
        <translation>Mostrar la clave que escribes</translation>
    </message>
    <message>
        <source>Forget the kept key</source>
        <translation>Olvidar la clave guardada</translation>
    </message>
    <message>
        <source>Send no key to this server from now on</source>
        <translation>No enviar ninguna clave a este servidor a partir de ahora</translation>
    </message>
    <message>
        <source>a key is kept ({hint}): type a new one to replace it</source>
        <translation>hay una clave guardada ({hint}): escribe una nueva para sustituirla</translation>
    </message>
    <message>
        <source>a key is kept: type a new one to replace it</source>
        <translation>hay una clave guardada: escribe una nueva para sustituirla</translation>
    </message>
    <message>
        <source>Kept in {place}.</source>
        <translation>Guardada en {place}.</translation>
    </message>
    <message>
        <source>none (the server needs no key)</source>
        <translation>ninguna (el servidor no necesita clave)</translation>
    </message>
    <message>
        <source>Kept in the system keyring when there is one (else a file only you can read), never in providers.json.</source>
        <translation>Se guarda en el llavero del sistema si lo hay (si no, en un archivo que solo tú puedes leer), nunca en providers.json.</translation>
    </message>
    <message>
        <source>Extra headers</source>
        <translation>Cabeceras adicionales</translation>
    </message>
    <message>
        <source>Sent with every request to this server; one Name: value a line</source>
        <translation>Se envían con cada petición a este servidor; un Nombre: valor por línea</translation>
    </message>
    <message>
        <source>Verify TLS certificates</source>
        <translation>Verificar los certificados TLS</translation>
    </message>
    <message>
        <source>Check an https:// server&apos;s certificate (leave this on)</source>
        <translation>Comprobar el certificado de un servidor https:// (déjalo activado)</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Nombre</translation>
    </message>
    <message>
        <source>&amp;Base URL</source>
        <translation>URL &amp;base</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>&amp;Clave de la API</translation>
    </message>
    <message>
        <source>Extra &amp;headers</source>
        <translation>Cabeceras a&amp;dicionales</translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation>&amp;Probar</translation>
    </message>
    <message>
        <source>Ask the server for its models with these settings</source>
        <translation>Preguntar al servidor por sus modelos con estos ajustes</translation>
    </message>
    <message>
        <source>Test result</source>
        <translation>Resultado de la prueba</translation>
    </message>
    <message>
        <source>Give the server&apos;s base URL, for example http://192.168.1.20:8080/v1.</source>
        <translation>Indica la URL base del servidor, por ejemplo http://192.168.1.20:8080/v1.</translation>
    </message>
    <message>
        <source>Asking {url} for its models…</source>
        <translation>Preguntando a {url} por sus modelos…</translation>
    </message>
    <message>
        <source>⚠ The test failed: {error}</source>
        <translation>⚠ La prueba ha fallado: {error}</translation>
    </message>
    <message>
        <source>The provider could not be saved: {reason}</source>
        <translation>No se pudo guardar el proveedor: {reason}</translation>
    </message>
</context>
<context>
    <name>ProvidersDialog</name>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>URL base</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clave</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <source>No providers yet. Add an OpenAI-compatible server (llama-server, vLLM, another Slice…) and its models appear in the model list, marked as remote.</source>
        <translation>Todavía no hay proveedores. Añade un servidor compatible con OpenAI (llama-server, vLLM, otro Slice…) y sus modelos aparecerán en la lista de modelos, marcados como remotos.</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Proveedores</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Añadir…</translation>
    </message>
    <message>
        <source>Add an OpenAI-compatible server</source>
        <translation>Añadir un servidor compatible con OpenAI</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Editar…</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Quitar…</translation>
    </message>
    <message>
        <source>Forget the provider and its key</source>
        <translation>Olvidar el proveedor y su clave</translation>
    </message>
    <message>
        <source>set</source>
        <translation>configurada</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguna</translation>
    </message>
    <message>
        <source>Remove {name}?</source>
        <translation>¿Quitar {name}?</translation>
    </message>
    <message>
        <source>Slice forgets {name} and its key; its models leave the model list. Chats written with them keep their replies.</source>
        <translation>Slice olvida {name} y su clave; sus modelos salen de la lista de modelos. Los chats escritos con ellos conservan sus respuestas.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
</context>
<context>
    <name>QCoreApplication</name>
    <message>
        <source>No reply: this message was left out of the conversation.</source>
        <translation>Sin respuesta: este mensaje quedó fuera de la conversación.</translation>
    </message>
    <message>
        <source>Interrupted: Slice closed before this reply finished.</source>
        <translation>Interrumpida: Slice se cerró antes de que terminara esta respuesta.</translation>
    </message>
    <message>
        <source>Stopped: this reply kept repeating itself. Continue anyway, regenerate, or turn the check off in Model settings.</source>
        <translation>Detenida: esta respuesta se repetía sin parar. Continúa de todos modos, regenérala o desactiva la comprobación en Ajustes del modelo.</translation>
    </message>
    <message>
        <source>The language changes when you restart Slice.</source>
        <translation>El idioma cambia cuando reinicies Slice.</translation>
    </message>
</context>
<context>
    <name>RemoteModels</name>
    <message>
        <source>Could not list the models ({error}).</source>
        <translation>No se pudieron listar los modelos ({error}).</translation>
    </message>
</context>
<context>
    <name>RepoListModel</name>
    <message>
        <source>{name}
{quant} · about {size} · {note}</source>
        <extracomment>The repository id of a result row.</extracomment>
        <translation>{name}
{quant} · unos {size} · {note}</translation>
    </message>
    <message>
        <source>{repo}
{downloads} downloads · {likes} likes</source>
        <translation>{repo}
{downloads} descargas · {likes} “me gusta”</translation>
    </message>
    <message>
        <source> · updated {date}</source>
        <translation> · actualizado {date}</translation>
    </message>
    <message>
        <source> · gated</source>
        <translation> · restringido</translation>
    </message>
</context>
<context>
    <name>ResultColumn</name>
    <message>
        <source>Reply of target %1</source>
        <translation>Respuesta del objetivo %1</translation>
    </message>
    <message>
        <source>Waiting for its turn…</source>
        <translation>Esperando su turno…</translation>
    </message>
    <message>
        <source>Waiting for %1…</source>
        <translation>Esperando a %1…</translation>
    </message>
    <message>
        <source>Waiting for the model…</source>
        <translation>Esperando al modelo…</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>Cargando el modelo…</translation>
    </message>
    <message>
        <source>Loading the model… %1 %</source>
        <translation>Cargando el modelo… %1 %</translation>
    </message>
    <message>
        <source>Loaded in %1 s</source>
        <translation>Cargado en %1 s</translation>
    </message>
    <message>
        <source>Reading the prompt… %1/%2</source>
        <translation>Leyendo el prompt… %1/%2</translation>
    </message>
    <message>
        <source>Writing…</source>
        <translation>Escribiendo…</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Pensando…</translation>
    </message>
    <message>
        <source>%1 tokens · %2 tok/s</source>
        <translation>%1 tokens · %2 tok/s</translation>
    </message>
    <message>
        <source>No result in this run.</source>
        <translation>Sin resultado en esta ejecución.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Hecho</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Falló</translation>
    </message>
    <message>
        <source>Stopped by you</source>
        <translation>Detenido por ti</translation>
    </message>
    <message>
        <source>Not run</source>
        <translation>No ejecutado</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>Always required when other machines can connect.</source>
        <translation>Siempre se exige cuando otros equipos pueden conectarse.</translation>
    </message>
    <message>
        <source>API server</source>
        <extracomment>The user applied server settings (app.settings.ServerSettings); the owner uses and saves them, and hands them to the control.</extracomment>
        <translation>Servidor de la API</translation>
    </message>
    <message>
        <source> One a line.</source>
        <translation> Uno por línea.</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>API key (hidden)</source>
        <translation>Clave de la API (oculta)</translation>
    </message>
    <message>
        <source>Copy key</source>
        <translation>Copiar clave</translation>
    </message>
    <message>
        <source>Put the API key on the clipboard, to paste into an app</source>
        <translation>Poner la clave de la API en el portapapeles para pegarla en una aplicación</translation>
    </message>
    <message>
        <source>Regenerate key…</source>
        <translation>Regenerar clave…</translation>
    </message>
    <message>
        <source>Make a new key; apps with the old one stop working</source>
        <translation>Crear una clave nueva; las aplicaciones con la antigua dejan de funcionar</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Clave de la API</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Requests served</source>
        <translation>Peticiones atendidas</translation>
    </message>
    <message>
        <source>Requests failed</source>
        <translation>Peticiones fallidas</translation>
    </message>
    <message>
        <source>Waiting in the queue</source>
        <translation>En la cola</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Último error</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Ahora</translation>
    </message>
    <message>
        <source>Serve the API to other machines?</source>
        <translation>¿Servir la API a otros equipos?</translation>
    </message>
    <message>
        <source>With the address {host}, other machines that can reach this computer can connect to Slice on port {port} and use your model.</source>
        <translation>Con la dirección {host}, otros equipos que lleguen a este pueden conectarse a Slice en el puerto {port} y usar tu modelo.</translation>
    </message>
    <message>
        <source>Every request must then carry the API key: give it only to people and apps you trust. Keep 127.0.0.1 to serve this computer only.</source>
        <translation>Entonces cada petición debe llevar la clave de la API: dásela solo a personas y aplicaciones de confianza. Deja 127.0.0.1 para servir solo a este equipo.</translation>
    </message>
    <message>
        <source>Serve other machines</source>
        <translation>Servir a otros equipos</translation>
    </message>
    <message>
        <source>The key is on the clipboard.</source>
        <translation>La clave está en el portapapeles.</translation>
    </message>
    <message>
        <source>Make a new API key?</source>
        <translation>¿Crear una clave de la API nueva?</translation>
    </message>
    <message>
        <source>Apps and scripts that use the current key stop working until you give them the new one.</source>
        <translation>Las aplicaciones y scripts que usan la clave actual dejan de funcionar hasta que les des la nueva.</translation>
    </message>
    <message>
        <source>Make a new key</source>
        <translation>Crear una clave nueva</translation>
    </message>
    <message>
        <source>A new key is in use: copy it to your apps. The old one no longer works.</source>
        <translation>Hay una clave nueva en uso: cópiala en tus aplicaciones. La antigua ya no funciona.</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Ninguno</translation>
    </message>
    <message>
        <source>Kept in {place}.</source>
        <translation>Guardada en {place}.</translation>
    </message>
</context>
<context>
    <name>ServerIndicator</name>
    <message>
        <source>{tip} Click for the server&apos;s settings.</source>
        <translation>{tip} Haz clic para ver los ajustes del servidor.</translation>
    </message>
    <message>
        <source>API server off</source>
        <translation>Servidor de la API apagado</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Alt+Up / Alt+Down</source>
        <translation>Alt+Flecha arriba / Alt+Flecha abajo</translation>
    </message>
    <message>
        <source>Previous / next message (then Tab reaches its actions)</source>
        <translation>Mensaje anterior / siguiente (luego Tab llega a sus acciones)</translation>
    </message>
    <message>
        <source>Ctrl+Tab</source>
        <translation>Ctrl+Tab</translation>
    </message>
    <message>
        <source>Leave the conversation (Tab goes from link to link in it)</source>
        <translation>Salir de la conversación (Tab va de enlace en enlace dentro de ella)</translation>
    </message>
    <message>
        <source>Ctrl++ / Ctrl+-</source>
        <translation>Ctrl++ / Ctrl+-</translation>
    </message>
    <message>
        <source>Larger / smaller text</source>
        <translation>Texto más grande / más pequeño</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>Text at its usual size</source>
        <translation>Texto a su tamaño normal</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Atajos de teclado</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>The chat&apos;s name matches</source>
        <translation>El nombre del chat coincide</translation>
    </message>
    <message>
        <source>Chats</source>
        <extracomment>The user chose a chat (its id). The user chose a search hit: chat id, message id (0 when the title matched), query. A chat was deleted (it can still be restored with Undo). A deleted chat was restored. A chat was renamed (its id). The user asked to export a chat (its id). Something went wrong; the message is for the status line.</extracomment>
        <translation>Chats</translation>
    </message>
    <message>
        <source>Search chats  (Ctrl+F)</source>
        <translation>Buscar en los chats  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>Buscar en los chats</translation>
    </message>
    <message>
        <source>Chat list</source>
        <translation>Lista de chats</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Resultados de la búsqueda</translation>
    </message>
    <message>
        <source>No chat has these words.</source>
        <translation>Ningún chat tiene estas palabras.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Deshacer</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Deshacer la eliminación</translation>
    </message>
    <message>
        <source>Bring the deleted chat back (Ctrl+Z)</source>
        <translation>Recuperar el chat eliminado (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Descartar</translation>
    </message>
    <message>
        <source>Deleted “{title}”.</source>
        <translation>Se ha eliminado “{title}”.</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Renombrar</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportar…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Slice cannot open your chats</source>
        <translation>Slice no puede abrir tus chats</translation>
    </message>
    <message>
        <source>Slice cannot start</source>
        <translation>Slice no puede iniciarse</translation>
    </message>
</context>
<context>
    <name>StatsBar</name>
    <message>
        <source>Time to first token, from pressing Send to the first text on screen.
“engine” is the model&apos;s own share: request received to first token.
“answer” (a reasoning model): request received to the first token of the answer, after the thinking.</source>
        <translation>Tiempo hasta el primer token, desde pulsar Enviar hasta el primer texto en pantalla.
“motor” es la parte del propio modelo: de la petición recibida al primer token.
“respuesta” (un modelo de razonamiento): de la petición recibida al primer token de la respuesta, tras el razonamiento.</translation>
    </message>
    <message>
        <source>Time to first token, from pressing Send to the first text on screen: the network, the server&apos;s queue and its reading of the prompt included.</source>
        <translation>Tiempo hasta el primer token, desde pulsar Enviar hasta el primer texto en pantalla: incluye la red, la cola del servidor y su lectura del prompt.</translation>
    </message>
    <message>
        <source>Reply statistics</source>
        <translation>Estadísticas de la respuesta</translation>
    </message>
    <message>
        <source>TTFT</source>
        <translation>TTFT</translation>
    </message>
    <message>
        <source>Time to first token</source>
        <translation>Tiempo hasta el primer token</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Salida</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Contexto</translation>
    </message>
    <message>
        <source>Context used</source>
        <translation>Contexto usado</translation>
    </message>
    <message>
        <source>Stop reason</source>
        <translation>Motivo de parada</translation>
    </message>
    <message>
        <source>Remote</source>
        <translation>Remoto</translation>
    </message>
    <message>
        <source>Remote model</source>
        <translation>Modelo remoto</translation>
    </message>
    <message>
        <source>The provider whose server wrote the reply. “speeds from the server”: its own timings; “speeds measured here”: computed from the stream as it arrived.</source>
        <translation>El proveedor cuyo servidor escribió la respuesta. “velocidades del servidor”: sus propias mediciones; “velocidades medidas aquí”: calculadas a partir del flujo según llegaba.</translation>
    </message>
    <message>
        <source>Prompt tokens processed (reused from cache) and processing speed</source>
        <translation>Tokens del prompt procesados (reutilizados de la caché) y velocidad de proceso</translation>
    </message>
    <message>
        <source>Generated tokens (of which thinking, for a reasoning model) and generation speed</source>
        <translation>Tokens generados (de ellos de razonamiento, en un modelo de razonamiento) y velocidad de generación</translation>
    </message>
    <message>
        <source>Context window used / context size, in tokens</source>
        <translation>Ventana de contexto usada / tamaño del contexto, en tokens</translation>
    </message>
    <message>
        <source>{count} tok</source>
        <translation>{count} tok</translation>
    </message>
    <message>
        <source>({count} cached, restored from {source})</source>
        <translation>({count} en caché, restaurados desde {source})</translation>
    </message>
    <message>
        <source>({count} cached)</source>
        <translation>({count} en caché)</translation>
    </message>
    <message>
        <source>{count} thinking</source>
        <translation>{count} de razonamiento</translation>
    </message>
    <message>
        <source>{share} of {count} drafted accepted</source>
        <translation>{share} de {count} borradores aceptados</translation>
    </message>
    <message>
        <source>(context shifted)</source>
        <translation>(contexto desplazado)</translation>
    </message>
    <message>
        <source>disk</source>
        <translation>el disco</translation>
    </message>
    <message>
        <source>memory</source>
        <translation>la memoria</translation>
    </message>
    <message>
        <source>engine {time}</source>
        <translation>motor {time}</translation>
    </message>
    <message>
        <source>answer {time}</source>
        <translation>respuesta {time}</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <source>Choose “Open GGUF file…” in the model list to add a model.</source>
        <translation>Elige “Abrir archivo GGUF…” en la lista de modelos para añadir un modelo.</translation>
    </message>
    <message>
        <source>Generating…  Esc stops</source>
        <translation>Generando…  Esc detiene</translation>
    </message>
    <message>
        <source>Thinking…  Esc stops</source>
        <translation>Pensando…  Esc detiene</translation>
    </message>
    <message>
        <source>Waiting for the model…</source>
        <translation>Esperando al modelo…</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progreso</translation>
    </message>
    <message>
        <source>Status: {text}</source>
        <translation>Estado: {text}</translation>
    </message>
    <message>
        <source>{model} is ready · context {n_ctx} tokens</source>
        <translation>{model} está listo · contexto de {n_ctx} tokens</translation>
    </message>
    <message>
        <source>{model} loads when you send a message.</source>
        <translation>{model} se carga cuando envíes un mensaje.</translation>
    </message>
    <message>
        <source>{model} answers from {provider}&apos;s server; nothing loads here.</source>
        <translation>{model} responde desde el servidor de {provider}; aquí no se carga nada.</translation>
    </message>
    <message>
        <source>Loading {model}…</source>
        <translation>Cargando {model}…</translation>
    </message>
    <message>
        <source>Loading {model}</source>
        <translation>Cargando {model}</translation>
    </message>
    <message>
        <source>Loaded {model} in {seconds} s</source>
        <translation>{model} cargado en {seconds} s</translation>
    </message>
    <message>
        <source>Processing prompt {done}/{total}</source>
        <translation>Procesando el prompt {done}/{total}</translation>
    </message>
    <message>
        <source>Processing the prompt</source>
        <translation>Procesando el prompt</translation>
    </message>
    <message numerus="yes">
        <source>The context is full: %n older message(s) (#{numbers}) no longer reach the model.</source>
        <translation>
            <numerusform>El contexto está lleno: %n mensaje antiguo (#{numbers}) ya no llega al modelo.</numerusform>
            <numerusform>El contexto está lleno: %n mensajes antiguos (#{numbers}) ya no llegan al modelo.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TargetEditor</name>
    <message>
        <source>KV cache type</source>
        <extracomment>The user asked to remove this target. Something in the form changed.</extracomment>
        <translation>Tipo de caché KV</translation>
    </message>
    <message>
        <source>Speculative</source>
        <translation>Especulativa</translation>
    </message>
    <message>
        <source>Speculative decoding by prompt lookup</source>
        <translation>Decodificación especulativa por búsqueda en el prompt</translation>
    </message>
    <message>
        <source>model&apos;s</source>
        <translation>la del modelo</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Remove this target</source>
        <translation>Quitar este objetivo</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>Caché KV</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Contexto</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>Capas en la GPU</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatura</translation>
    </message>
    <message>
        <source>Target %1</source>
        <translation>Objetivo %1</translation>
    </message>
</context>
</TS>
